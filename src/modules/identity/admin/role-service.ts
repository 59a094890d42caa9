import type { Kysely, Transaction } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import type { CredentialsWatch } from '../auth/credentials-watch.js'
import { inTransaction } from '../../../db/database.js'
import { nowIso } from '../../../db/columns.js'
import { unlessDuplicate } from '../../../db/errors.js'
import { Conflict, NotFound, PreconditionFailed } from '../../../errors.js'
import { recordAudit } from '../../audit/service.js'
import { isRoleAction } from '../actions.js'
import { AdminRepository, type RoleWithActions } from './repository.js'
import type { NewRoleBody, RolePatch, RoleView } from './schemas.js'
import { mustHold, type Caller } from '../grant-rule.js'
import { decodeCursor, limitOf, pageOf, type Page, type PageQuery } from '../../../http/pagination.js'

function roleView(r: RoleWithActions): RoleView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    builtIn: r.built_in === 1,
    actions: r.actions.filter(isRoleAction),
    createdAt: r.created_at,
  }
}

/** The ETag of a role: its version, which every change bumps. */
function roleETagOf(role: Pick<RoleWithActions, 'version'>): string {
  return `"r${role.version}"`
}

/** Roles as the admin API manages them: built-in ones fixed, custom ones made and changed under the grant rule. */
export class RoleAdminService {
  private readonly repo: AdminRepository

  constructor(
    private readonly db: Kysely<DB>,
    private readonly credentials: Pick<CredentialsWatch, 'changed'>,
  ) {
    this.repo = new AdminRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): RoleAdminService {
    return new RoleAdminService(ctx.db, ctx.credentials)
  }

  /** A transaction that changes what roles grant: this instance's cached verifications are voided after it. */
  private async changingCredentials(fn: (trx: Transaction<DB>) => Promise<void>): Promise<void> {
    try {
      await inTransaction(this.db, fn)
    } finally {
      this.credentials.changed()
    }
  }

  async listRoles(tenantId: number, page: PageQuery): Promise<Page<RoleView>> {
    const limit = limitOf(page)
    const rows = await this.repo.listRoles(tenantId, decodeCursor(page.cursor), limit)
    return pageOf(rows, limit, (r) => r.id, roleView)
  }

  async createRole(tenantId: number, input: NewRoleBody, caller: Caller): Promise<RoleView> {
    mustHold(caller, input.actions, `create the role ${input.name}`)
    const duplicate = () => new Conflict(`A role named ${input.name} already exists`)
    if ((await this.repo.rolesByName(tenantId, [input.name])).length > 0) throw duplicate()
    const now = nowIso()
    const id = await unlessDuplicate(
      () =>
        inTransaction(this.db, async (trx) => {
          const roleId = await this.repo.insertRole(trx, {
            tenant_id: tenantId,
            name: input.name,
            description: input.description ?? null,
            built_in: 0,
            created_at: now,
            actions: input.actions,
          })
          await recordAudit(trx, caller.actor, {
            action: 'role.create',
            entityType: 'role',
            entityId: roleId,
            after: { name: input.name, actions: [...input.actions].sort() },
          })
          return roleId
        }),
      duplicate,
    )
    const [role] = await this.repo.rolesByName(tenantId, [input.name])
    if (role?.id !== id) throw new NotFound('role vanished')
    return roleView(role)
  }

  async getRole(tenantId: number, roleId: number): Promise<{ role: RoleView; etag: string }> {
    const role = await this.repo.findRole(tenantId, roleId)
    if (!role) throw new NotFound(`No role ${roleId} in this tenant`)
    return { role: roleView(role), etag: roleETagOf(role) }
  }

  /**
   * Renames a custom role, changes its description or replaces its actions; with `ifMatch`, only if it is still
   * as the caller saw it. Built-in roles are fixed (409). The grant rule, both ways: the caller must hold every
   * action the role holds now and every action it is to hold, so nobody hands out, or takes away from the role's
   * users, an action they lack. Takes effect on the next request of every user holding the role.
   */
  async updateRole(
    tenantId: number,
    roleId: number,
    patch: RolePatch,
    caller: Caller,
    ifMatch?: string,
  ): Promise<{ role: RoleView; etag: string }> {
    const role = await this.repo.findRole(tenantId, roleId)
    if (!role) throw new NotFound(`No role ${roleId} in this tenant`)
    if (ifMatch !== undefined && ifMatch.trim() !== '*' && ifMatch.trim() !== roleETagOf(role)) {
      throw new PreconditionFailed(
        `Role ${role.name} has changed since you read it (ETag now ${roleETagOf(role)}); read it again`,
      )
    }
    if (role.built_in === 1) {
      throw new Conflict(
        `The built-in role ${role.name} cannot be changed; create a custom role with the actions you need`,
      )
    }
    mustHold(caller, [...role.actions, ...(patch.actions ?? [])], `change the role ${role.name}`)
    const newName = patch.name !== undefined && patch.name !== role.name ? patch.name : undefined
    const duplicate = () => new Conflict(`A role named ${newName ?? role.name} already exists`)
    if (newName !== undefined && (await this.repo.rolesByName(tenantId, [newName])).length > 0)
      throw duplicate()

    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    const set: { name?: string; description?: string | null } = {}
    if (newName !== undefined) {
      set.name = newName
      before.name = role.name
      after.name = newName
    }
    const description = patch.description === undefined ? undefined : patch.description || null
    if (description !== undefined && description !== role.description) {
      set.description = description
      before.description = role.description
      after.description = description
    }
    const current = [...role.actions].sort()
    const wanted = patch.actions === undefined ? current : [...patch.actions].sort()
    const actionsChange = wanted.join('\n') !== current.join('\n')
    if (actionsChange) {
      before.actions = current
      after.actions = wanted
    }
    if (Object.keys(after).length === 0) return { role: roleView(role), etag: roleETagOf(role) }

    await unlessDuplicate(
      () =>
        this.changingCredentials(async (trx) => {
          if (!(await this.repo.updateRole(trx, tenantId, roleId, role.version, set))) {
            throw (ifMatch ?? '') !== ''
              ? new PreconditionFailed(`Role ${role.name} has changed since you read it; read it again`)
              : new Conflict(`Role ${role.name} was changed by someone else at the same moment; try again`)
          }
          if (actionsChange) await this.repo.replaceRoleActions(trx, roleId, current, wanted)
          await recordAudit(trx, caller.actor, {
            action: 'role.update',
            entityType: 'role',
            entityId: roleId,
            before,
            after,
          })
        }),
      duplicate,
    )
    return this.getRole(tenantId, roleId)
  }
}
