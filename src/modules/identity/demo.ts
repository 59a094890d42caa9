import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { systemActor } from '../audit/service.js'
import { IdentityService } from './service.js'

export const DEMO_TENANT = 'DEMO'
const DEMO_USER = { username: 'demo', password: 'p@55w0rd' }
/** The demo's administrator: the admin and audit APIs can be tried with it. */
export const DEMO_ADMIN = { username: 'admin', password: 'adm1n-p@55w0rd' }

/**
 * Tenant DEMO, user demo / p@55w0rd (Basic enabled, api-integrator: what the seeds' curl examples use) and the
 * administrator admin / adm1n-p@55w0rd.
 */
export async function seedIdentityDemo(db: Kysely<DB>): Promise<number> {
  const service = new IdentityService(db)
  const tenant =
    (await service.repo.findTenantByCode(DEMO_TENANT)) ??
    (await service.createTenant(DEMO_TENANT, 'Demo Clinic'))
  const tenantId = tenant.id
  if (!(await service.repo.findUserByUsername(tenantId, DEMO_USER.username))) {
    await service.createUser(
      tenantId,
      { ...DEMO_USER, displayName: 'Demo integrator', basicAuthEnabled: true, roles: ['api-integrator'] },
      systemActor(tenantId),
      { seed: true },
    )
  }
  if (!(await service.repo.findUserByUsername(tenantId, DEMO_ADMIN.username))) {
    await service.createUser(
      tenantId,
      { ...DEMO_ADMIN, displayName: 'Demo administrator', basicAuthEnabled: true, roles: ['administrator'] },
      systemActor(tenantId),
      { seed: true },
    )
  }
  return tenantId
}
