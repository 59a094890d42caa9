import {
  Anchor,
  AppShell,
  Burger,
  Button,
  Group,
  Menu,
  NavLink,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router'
import type { Me, RoleAction } from '../api/types'
import { useTenant } from '../admin/tenant-hooks'
import { can, useMe, useSignOut } from '../session/hooks'
import { ErrorAlert } from './ErrorAlert'
import { Loading } from './states'

interface NavItem {
  to: string
  label: string
  action: RoleAction
}

/** The app's areas, each shown only to those whose role actions allow it (the server enforces it anyway). */
const NAV: readonly NavItem[] = [
  { to: '/admin/users', label: 'Users', action: 'admin.users.view' },
  { to: '/admin/roles', label: 'Roles', action: 'admin.users.view' },
  { to: '/admin/tenant', label: 'Tenant settings', action: 'admin.tenant.manage' },
  { to: '/audit', label: 'Audit trail', action: 'audit.view' },
  { to: '/track', label: 'Track', action: 'track.view' },
  { to: '/performance', label: 'Earned value', action: 'track.view' },
  { to: '/recruit/studies', label: 'Recruitment', action: 'studies.view' },
  { to: '/recruit/volunteers', label: 'Volunteers', action: 'studies.view' },
  { to: '/reports', label: 'Reports', action: 'reports.run' },
]

function navFor(me: Me): NavItem[] {
  return NAV.filter((n) => can(me, n.action))
}

function UserMenu({ me }: { me: Me }) {
  const navigate = useNavigate()
  const signOut = useSignOut(false)
  const signOutEverywhere = useSignOut(true)
  const done = () => void navigate('/sign-in', { replace: true })
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${me.user.username}`}>
          <Text size="sm" fw={600} truncate maw={160}>
            {me.user.username}
          </Text>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{me.user.username}</Menu.Label>
        <Menu.Item component={Link} to="/change-password">
          Change password
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          onClick={() => {
            signOut.mutate(undefined, { onSettled: done })
          }}
        >
          Sign out
        </Menu.Item>
        <Menu.Item
          color="red"
          onClick={() => {
            signOutEverywhere.mutate(undefined, { onSettled: done })
          }}
        >
          Sign out everywhere
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

/** Every signed-in page: header with tenant and user, navigation by role, the page in the middle. */
export function AppLayout() {
  const me = useMe()
  const location = useLocation()
  const [opened, { toggle, close }] = useDisclosure(false)
  const tenant = useTenant(Boolean(me.data && !me.data.mustChangePassword))

  if (me.isPending) return <Loading />
  if (me.error)
    return <ErrorAlert error={me.error} title="Trialdeck could not load" onRetry={() => void me.refetch()} />
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search)
    return <Navigate to={`/sign-in?next=${next}`} replace />
  }
  if (me.data.mustChangePassword) return <Navigate to="/change-password" replace />
  const items = navFor(me.data)
  const tenantLabel = tenant.data ? `${tenant.data.name} (${tenant.data.code})` : me.data.tenant.code

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Anchor component={Link} to="/" fw={700} underline="never" c="inherit">
              Trialdeck
            </Anchor>
            <Text size="sm" c="dimmed" truncate visibleFrom="xs" aria-label="Tenant">
              {tenantLabel}
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Anchor href="/docs" size="sm" visibleFrom="xs">
              API docs
            </Anchor>
            <UserMenu me={me.data} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <Stack gap={2}>
          <Text size="sm" c="dimmed" px="sm" py={4} hiddenFrom="xs">
            {tenantLabel}
          </Text>
          {items.map((n) => (
            <NavLink
              key={n.to}
              component={Link}
              to={n.to}
              label={n.label}
              active={location.pathname.startsWith(n.to)}
              variant="filled"
              onClick={close}
            />
          ))}
          <NavLink component="a" href="/docs" label="API docs" hiddenFrom="xs" />
          {items.length === 0 && (
            <Text size="sm" c="dimmed" p="xs">
              Your roles give you no administration pages.
            </Text>
          )}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  )
}

/** `/`: the first page the user may see. */
export function HomeRedirect() {
  const me = useMe()
  if (!me.data) return <Loading />
  const first = navFor(me.data)[0]
  if (first) return <Navigate to={first.to} replace />
  return (
    <Stack>
      <Text>Signed in as {me.data.user.username}. Your roles give you no administration pages.</Text>
      <Button component={Link} to="/change-password" variant="light" w="fit-content">
        Change password
      </Button>
    </Stack>
  )
}
