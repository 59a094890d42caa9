import { Anchor, Stack, Text, Title } from '@mantine/core'
import { Link, type RouteObject } from 'react-router'
import { ChangePasswordPage } from './session/ChangePasswordPage'
import { SignInPage } from './session/SignInPage'
import { recruitRoutes } from './recruit/routes'
import { AppLayout, HomeRedirect } from './ui/AppLayout'

function NotFound() {
  return (
    <Stack>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text>There is no page at this address.</Text>
      <Anchor component={Link} to="/">
        Go to the start page
      </Anchor>
    </Stack>
  )
}

/** The app's pages, each area loaded when first visited (the sign-in page needs none of them); the server answers every path outside /api with index.html, so each is a deep link. */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/change-password', element: <ChangePasswordPage /> },
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <HomeRedirect /> },
      {
        path: 'admin/users',
        lazy: async () => ({ Component: (await import('./admin/UsersPage')).UsersPage }),
      },
      {
        path: 'admin/users/:userId',
        lazy: async () => ({ Component: (await import('./admin/UserPage')).UserPage }),
      },
      {
        path: 'admin/roles',
        lazy: async () => ({ Component: (await import('./admin/RolesPage')).RolesPage }),
      },
      {
        path: 'admin/tenant',
        lazy: async () => ({ Component: (await import('./admin/TenantPage')).TenantPage }),
      },
      { path: 'track', lazy: async () => ({ Component: (await import('./track/TrackPage')).TrackPage }) },
      {
        path: 'track/:planId/:resource?',
        lazy: async () => ({ Component: (await import('./track/TrackPage')).TrackPage }),
      },
      {
        path: 'performance/:planId?',
        lazy: async () => ({ Component: (await import('./performance/PerformancePage')).PerformancePage }),
      },
      {
        path: 'reports',
        lazy: async () => ({ Component: (await import('./reports/ReportsPage')).ReportsPage }),
      },
      {
        path: 'reports/jobs/:jobId',
        lazy: async () => ({ Component: (await import('./reports/JobPage')).JobPage }),
      },
      {
        path: 'reports/:reportName',
        lazy: async () => ({ Component: (await import('./reports/ReportFormPage')).ReportFormPage }),
      },
      ...recruitRoutes,
      { path: 'audit', lazy: async () => ({ Component: (await import('./audit/AuditPage')).AuditPage }) },
      { path: '*', element: <NotFound /> },
    ],
  },
]
