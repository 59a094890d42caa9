/** Test support for plans. */
import type { PlanDocument } from '../../src/modules/plans/schemas.js'

const oct = { startDate: '2012-10-01', endDate: '2012-10-31' }
const nov = { startDate: '2012-11-01', endDate: '2012-11-30' }

/** The plan worked by hand in README ("Earned value"). */
export function handWorkedPlan(studyId: number): PlanDocument {
  return {
    studyId,
    name: 'Hand-worked',
    startDate: '2012-10-01',
    currency: 'EUR',
    locations: [
      { locationId: 0, name: 'All Locations' },
      { locationId: 1, name: 'Belgium' },
    ],
    serviceProviders: [
      {
        id: 1,
        name: 'CRO',
        trackingLevel: 'Globally',
        majorTasks: [
          {
            id: 10,
            name: 'Setup',
            isTrackedAsPercentage: true,
            trackingLevel: 'study',
            budget: 1000,
            locations: [
              {
                locationId: 0,
                periods: [
                  { ...oct, plannedValue: 0.5 },
                  { ...nov, plannedValue: 0.5 },
                ],
              },
            ],
          },
          {
            id: 11,
            name: 'Visits',
            isTrackedAsPercentage: false,
            trackingLevel: 'location',
            budget: '600',
            locations: [
              {
                locationId: 1,
                periods: [
                  { ...oct, plannedValue: 2 },
                  { ...nov, plannedValue: 4 },
                ],
              },
            ],
          },
        ],
        fees: [
          {
            majorTaskId: 0,
            locations: [
              {
                locationId: 0,
                periods: [
                  { ...oct, plannedValue: 800 },
                  { ...nov, plannedValue: 800 },
                ],
              },
            ],
          },
        ],
      },
      {
        id: 2,
        name: 'Sponsor',
        type: 'Sponsor',
        trackingLevel: 'Enter AP only',
        costs: [
          {
            id: 20,
            name: 'Ads',
            earnedValueTrackingLevel: 'Auto-tracked (set EV to AC)',
            locations: [
              {
                locationId: 0,
                periods: [
                  { ...oct, plannedValue: 100 },
                  { ...nov, plannedValue: 100 },
                ],
              },
            ],
          },
          {
            id: 21,
            name: 'Insurance',
            earnedValueTrackingLevel: 'Derived',
            locations: [
              {
                locationId: 1,
                periods: [
                  { ...oct, plannedValue: 50 },
                  { ...nov, plannedValue: 50 },
                ],
              },
            ],
          },
        ],
      },
    ],
  }
}
