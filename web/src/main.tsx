import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import { MantineProvider, createTheme, type CSSVariablesResolver } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter } from 'react-router'
// From react-router/dom: it wires up ReactDOM.flushSync, which `navigate(…, { flushSync: true })` needs.
import { RouterProvider } from 'react-router/dom'
import { ApiError } from './api/client'
import { routes } from './routes'
import { meKey, meQuery } from './session/hooks'

const theme = createTheme({
  primaryColor: 'indigo',
  // Darker shades than the defaults, so text on light and filled controls keeps a 4.5:1 contrast.
  primaryShade: 8,
  // No animations for those who ask for none (and for the browser tests, whose axe checks must not catch a fade).
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    // Links inside text are told apart by more than their colour (WCAG 1.4.1).
    Anchor: { defaultProps: { underline: 'always' } },
    // Alert titles in the text colour: the light variants' coloured titles fall below 4.5:1.
    Alert: { styles: { title: { color: 'var(--mantine-color-text)' } } },
    // Every close button says what it closes.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } },
    Pill: { defaultProps: { removeButtonProps: { 'aria-label': 'Remove' } } },
  },
})

/** Dimmed text and field errors dark enough for 4.5:1 on white (Mantine's defaults are 3.3:1 and 3.6:1). */
const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7], '--mantine-color-error': t.colors.red[9] },
  dark: {},
})

const router = createBrowserRouter(routes)

/** A 401 anywhere but the sign-in itself means the session has ended: back to the sign-in, saying so. */
function sessionEnded(error: unknown) {
  if (!(error instanceof ApiError) || error.status !== 401) return
  if (router.state.location.pathname === '/sign-in') return
  queryClient.clear()
  queryClient.setQueryData(meKey, null)
  void router.navigate(`/sign-in?ended=1&next=${encodeURIComponent(router.state.location.pathname)}`)
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: sessionEnded }),
  mutationCache: new MutationCache({ onError: sessionEnded }),
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
})

// Asked at once, while the router still loads the page's code: every page starts from who is signed in.
queryClient.query(meQuery).catch(() => undefined)

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      <Notifications />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
)
