import type { RouteObject } from 'react-router'

/** Recruitment's pages; every view is its own address (a study's tab, a site's week, a search, a volunteer). */
export const recruitRoutes: RouteObject[] = [
  { path: 'recruit', lazy: async () => ({ Component: (await import('./StudiesPage')).StudiesPage }) },
  { path: 'recruit/studies', lazy: async () => ({ Component: (await import('./StudiesPage')).StudiesPage }) },
  {
    path: 'recruit/studies/:studyId/sites/:siteId/slots',
    lazy: async () => ({ Component: (await import('./SlotsPage')).SlotsPage }),
  },
  {
    path: 'recruit/studies/:studyId/:tab?',
    lazy: async () => ({ Component: (await import('./StudyPage')).StudyPage }),
  },
  {
    path: 'recruit/questions',
    lazy: async () => ({ Component: (await import('./QuestionsPage')).QuestionsPage }),
  },
  {
    path: 'recruit/volunteers',
    lazy: async () => ({ Component: (await import('./VolunteersPage')).VolunteersPage }),
  },
  {
    path: 'recruit/volunteers/:volunteerId',
    lazy: async () => ({ Component: (await import('./VolunteerPage')).VolunteerPage }),
  },
]
