import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { ModulePlugin } from '../../index.js'
import { NotFound } from '../../../errors.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import { TenantSettingsPatchSchema, TenantSettingsSchema, type TenantSettingsView } from '../admin/schemas.js'
import { DEFAULT_EV_THRESHOLDS } from './ev-thresholds.js'
import { IdentityService, settingsOf, type TenantSettings } from '../service.js'
import { actorOf, requirePrincipal } from '../../../http/principal.js'

const tags = ['admin']

/** `/api/v1/admin/tenant`: the caller's tenant and the settings its administrator may change (as the CLI does). */
const tenantRoutes: ModulePlugin = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const service = IdentityService.of(ctx)
  const view = (tenant: { code: string; name: string }, s: TenantSettings): TenantSettingsView => ({
    code: tenant.code,
    name: tenant.name,
    recruitEnabled: s.recruitEnabled,
    rateLimitMax: s.rateLimitMax ?? null,
    defaultRateLimitMax: ctx.config.rateLimitMax,
    rateLimitWindowSeconds: Math.round(ctx.config.rateLimitWindowMs / 1000),
    evThresholds: s.evThresholds ?? DEFAULT_EV_THRESHOLDS,
  })
  const tenantOf = async (request: FastifyRequest) => {
    const tenant = await service.repo.findTenantById(requirePrincipal(request).tenantId)
    if (!tenant) throw new NotFound('Your tenant no longer exists')
    return tenant
  }

  app.get(
    '/api/v1/admin/tenant',
    {
      config: { action: 'authenticated' },
      schema: {
        summary: 'Your tenant: its code, name and settings',
        tags,
        operationId: 'getTenantSettings',
        response: { 200: TenantSettingsSchema, ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request) => {
      const tenant = await tenantOf(request)
      return view(tenant, settingsOf(tenant))
    },
  )

  app.patch(
    '/api/v1/admin/tenant',
    {
      config: { action: 'admin.tenant.manage' },
      schema: {
        summary: "Change your tenant's settings: Recruit on or off, its rate limit, earned-value thresholds",
        description:
          'Audited with before and after (`tenant.settings`), as `trialdeck tenant settings` is. A new rate limit ' +
          'applies within 10 seconds on every instance; Recruit on or off at once.',
        tags,
        operationId: 'updateTenantSettings',
        body: TenantSettingsPatchSchema,
        response: { 200: TenantSettingsSchema, ...errorResponses([...AUTH_ERRORS, 404, 415, 422]) },
      },
    },
    async (request) => {
      const tenant = await tenantOf(request)
      const settings = await service.updateTenantSettings(tenant.id, request.body, actorOf(request))
      return view(tenant, settings)
    },
  )
}

export default tenantRoutes
