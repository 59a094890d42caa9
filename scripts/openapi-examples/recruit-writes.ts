/**
 * The capture's recruitment writes (see ./writes.ts): the staff set-up of studies RECRUIT-PK-01 (3) and
 * RECRUIT-AST-02 (4), then the Recruit API as the clinic's website calls it, with the seed's volunteers, sites,
 * cohorts, slots and questions (src/modules/recruit/demo.ts).
 */
import type { Write } from './writes.js'

export const RECRUIT_WRITES: Write[] = [
  // Recruitment set-up (staff)
  {
    operationId: 'createStudySite',
    url: '/api/v1/studies/4/sites',
    body: { siteId: 2, name: 'Riverside Unit', locationOid: 'LOC-RIVER' },
  },
  {
    operationId: 'updateStudySite',
    url: '/api/v1/studies/3/sites/1',
    body: { name: 'Main Street Clinic, Phase I unit', locationOid: 'LOC-MAIN' },
  },
  {
    operationId: 'createCohort',
    url: '/api/v1/studies/4/cohorts',
    body: { name: 'Part B', description: 'Adults already on a low-dose inhaled steroid' },
  },
  {
    operationId: 'updateCohort',
    url: '/api/v1/studies/3/cohorts/1',
    body: { name: 'Cohort 1 (single dose)', description: 'One 50 mg dose, fasted; two overnight stays' },
  },
  {
    operationId: 'putRecruitmentProfile',
    url: '/api/v1/studies/4/recruitment',
    body: {
      status: 'recruiting',
      publicTitle: 'A new inhaler for adults with mild asthma',
      publicDescription: 'Adults with mild asthma, six clinic visits over eight weeks; no overnight stays.',
      minAge: 18,
      maxAge: 70,
      healthyVolunteers: false,
      requiredAnswers: [{ question: 'Do you currently smoke?', answer: false }],
      compensation: 'Up to $900',
    },
  },
  {
    operationId: 'createSlot',
    url: '/api/v1/studies/3/sites/2/slots',
    body: { start: '2026-04-14T09:00:00.000Z', end: '2026-04-14T11:00:00.000Z', capacity: 2 },
  },
  {
    operationId: 'createVolunteerQuestion',
    url: '/api/v1/volunteer-questions',
    body: { text: 'Are you taking any prescription medicines?', answerType: 'yesno', required: false },
  },
  {
    operationId: 'updateVolunteerQuestion',
    url: '/api/v1/volunteer-questions/2',
    body: {
      text: 'How did you hear about us?',
      answerType: 'choice',
      options: ['Search', 'Friend', 'Radio', 'Social media', 'Other'],
      required: false,
    },
  },

  // The Recruit API, as the clinic's website calls it
  {
    operationId: 'saveVolunteer',
    url: '/api/v1/recruit/saveVolunteer',
    as: 'website',
    body: {
      firstName: 'Priya',
      lastName: 'Shah',
      dateOfBirth: '1991-03-14',
      sex: 'F',
      email: 'priya.shah@example.org',
      phone: '+44 161 496 0000',
      heightCm: 165,
      weightKg: 61.5,
      sitePreferenceId: 1,
      consentToContact: true,
      answers: [
        { question: 'Do you currently smoke?', answer: false },
        { question: 'How did you hear about us?', answer: 'Radio' },
      ],
      source: 'website',
    },
  },
  {
    operationId: 'updateVolunteer',
    url: `/api/v1/recruit/updateVolunteer?reasonForChange=${encodeURIComponent('Volunteer phoned with a new address')}`,
    as: 'website',
    body: {
      volunteerId: 1,
      phone: '+44 161 496 0123',
      address: {
        line1: '12 Canal Street',
        city: 'Manchester',
        postalCode: 'M1 3HE',
        country: 'United Kingdom',
      },
    },
  },
  {
    operationId: 'findMatchingStudies',
    url: '/api/v1/recruit/findMatchingStudies',
    as: 'website',
    body: {
      dateOfBirth: '1991-03-14',
      sex: 'F',
      heightCm: 165,
      weightKg: 61.5,
      healthyVolunteer: true,
      sitePreferenceId: 1,
      answers: [{ question: 'Do you currently smoke?', answer: false }],
    },
  },
  {
    operationId: 'expressInterest',
    url: '/api/v1/recruit/expressInterest',
    as: 'website',
    body: { volunteerId: 1, studyId: 3, cohortId: 1 },
  },
  {
    operationId: 'assignAppointment',
    url: '/api/v1/recruit/assignAppointment',
    as: 'website',
    body: { volunteerId: 1, appointmentId: 1 },
  },
  {
    operationId: 'cancelAppointment',
    url: '/api/v1/recruit/cancelAppointment',
    as: 'website',
    body: { volunteerId: 1, appointmentId: 1, reason: 'Cannot come in the morning; asked for a later slot' },
  },
  {
    operationId: 'saveVolunteerRequest',
    url: '/api/v1/saveVolunteerRequest',
    as: 'website',
    body: {
      firstName: 'Tom',
      lastName: 'Okafor',
      dateOfBirth: '1994-08-30',
      sex: 'M',
      email: 'tom.okafor@example.org',
      heightCm: 178,
      weightKg: 74,
      healthyVolunteer: true,
      sitePreferenceId: 2,
      consentToContact: true,
      answers: [
        { question: 'Do you currently smoke?', answer: false },
        { question: 'Can you stay overnight at the Riverside Unit?', answer: true },
      ],
      source: 'website',
      studyId: 3,
      cohortId: 2,
    },
  },
]
