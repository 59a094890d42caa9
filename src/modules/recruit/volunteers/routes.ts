import type { FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../../index.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import { callerOf } from '../../identity/grant-rule.js'
import {
  StaffSitesSchema,
  VolunteerDetailSchema,
  VolunteerListQuerySchema,
  VolunteerListSchema,
  VolunteerParamsSchema,
} from '../staff/schemas.js'
import { VolunteerViews } from './views.js'
import { UserParamsSchema } from '../../identity/admin/schemas.js'
import { requirePrincipal } from '../../../http/principal.js'

const READ = errorResponses([...AUTH_ERRORS, 404, 422])
const WRITE = errorResponses([...AUTH_ERRORS, 400, 404, 415, 422])
const tags = ['volunteers']
/** Personal data may sit in the search term: request lines are logged without their query string. */
const logSerializers = {
  req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], reqId: req.id }),
}

/** Native staff views of volunteers, and the site restrictions that narrow them. */
const volunteerRoutes: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const views = VolunteerViews.of(ctx)

  app.get(
    '/api/v1/volunteers',
    {
      config: { action: 'studies.view' },
      logSerializers,
      schema: {
        tags,
        operationId: 'listVolunteers',
        summary: 'Volunteers, newest first (cursor pagination); site-restricted staff see their sites only',
        querystring: VolunteerListQuerySchema,
        response: { 200: VolunteerListSchema, ...READ },
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      return views.list(p.tenantId, p.userId, req.query)
    },
  )
  app.get(
    '/api/v1/volunteers/:volunteerId',
    {
      config: { action: 'studies.view' },
      schema: {
        tags,
        operationId: 'getVolunteer',
        summary: 'One volunteer with answers, interests and appointments',
        params: VolunteerParamsSchema,
        response: { 200: VolunteerDetailSchema, ...READ },
      },
    },
    async (req) => {
      const p = requirePrincipal(req)
      return views.detail(p.tenantId, p.userId, req.params.volunteerId)
    },
  )
  app.get(
    '/api/v1/volunteer-site-restrictions/:userId',
    {
      config: { action: 'admin.users.view' },
      schema: {
        tags,
        operationId: 'getVolunteerSiteRestriction',
        summary: 'The sites whose volunteers a staff user sees (empty: all)',
        params: UserParamsSchema,
        response: { 200: StaffSitesSchema, ...READ },
      },
    },
    async (req) => views.staffSites(requirePrincipal(req).tenantId, req.params.userId),
  )
  app.put(
    '/api/v1/volunteer-site-restrictions/:userId',
    {
      config: { action: 'admin.users.manage' },
      schema: {
        tags,
        operationId: 'putVolunteerSiteRestriction',
        summary: 'Restrict a staff user to the volunteers of these sites (empty: no restriction)',
        params: UserParamsSchema,
        body: StaffSitesSchema,
        response: { 200: StaffSitesSchema, ...WRITE },
      },
    },
    async (req) =>
      views.setStaffSites(requirePrincipal(req).tenantId, req.params.userId, req.body, callerOf(req)),
  )
}

export default volunteerRoutes
