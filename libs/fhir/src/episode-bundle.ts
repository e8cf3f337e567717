/**
 * An episode as a FHIR R4 `collection` Bundle (docs/fhir.md): the episode's domain events, folded with
 * the domain's own `fold`, and the charges billing keeps → EpisodeOfCare, ServiceRequest, Task, Patient,
 * Practitioners, Coverage, Conditions, CarePlan, Goals, an Encounter per visit and a Procedure per
 * session, an Observation per outcome measurement, ChargeItems and Communications (closed-loop notices).
 * Pure: the caller reads the events and charges and supplies the instant the Bundle is made.
 */
import type {
  Bundle,
  BundleEntry,
  CarePlan,
  ChargeItem,
  CodeableConcept,
  Communication,
  Condition,
  Coverage,
  Encounter,
  EpisodeOfCare,
  FhirResource,
  Goal,
  Observation,
  Patient,
  Practitioner,
  Procedure,
  Reference,
  ServiceRequest,
  Task,
} from 'fhir/r4';
import {
  fold,
  measureDefinitions,
  sessionsOf,
  type BillingCode,
  type CareEpisodeEvent,
  type CareEpisodeState,
  type EpisodeStatus,
  type GoalStatus,
  type Measurement,
  type OutcomeMeasure,
  type Practitioner as ClinicalPractitioner,
  type ReferringProviderNoticeIssued,
  type Visit,
} from '@careflow/domain';
import { nameBasedUuid } from './ids';
import { careflow, loincOfMeasure, systems } from './systems';

/**
 * One charge line as billing keeps it: a code billed on a day of service. `planned`: held until the
 * plan of care is certified; `billed`: on a claim.
 */
export interface ChargeItemInput {
  readonly serviceDate: string;
  readonly code: BillingCode;
  readonly units: number;
  readonly amountCents: number;
  readonly status: 'planned' | 'billable' | 'not-billable' | 'billed';
}

export interface EpisodeBundleInput {
  readonly episodeId: string;
  /** Every event of the episode's stream, in stream order. */
  readonly events: readonly CareEpisodeEvent[];
  readonly charges: readonly ChargeItemInput[];
  /** When the Bundle is made, from the caller's clock. */
  readonly generatedAt: string;
}

type EventOf<T extends CareEpisodeEvent['type']> = Extract<CareEpisodeEvent, { type: T }>;

const eventsOf = <T extends CareEpisodeEvent['type']>(events: readonly CareEpisodeEvent[], type: T): EventOf<T>[] =>
  events.filter((event): event is EventOf<T> => event.type === type);

const coding = (system: string, code: string, display?: string): CodeableConcept => ({
  coding: [{ system, code, ...(display === undefined ? {} : { display }) }],
});

/** Statuses of the resources that follow the episode's own. */
const requestStatus: Readonly<Record<EpisodeStatus, ServiceRequest['status']>> = {
  none: 'draft',
  planned: 'active',
  waitlist: 'active',
  active: 'active',
  onhold: 'on-hold',
  finished: 'completed',
  cancelled: 'revoked',
};

const carePlanStatus = requestStatus;

const goalLifecycle = (status: EpisodeStatus): Goal['lifecycleStatus'] => {
  switch (status) {
    case 'finished':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    case 'onhold':
      return 'on-hold';
    case 'none':
      return 'proposed';
    case 'planned':
    case 'waitlist':
    case 'active':
      return 'active';
  }
};

/** The domain's goal statuses are codes of FHIR's goal-achievement system. */
const goalAchievement: Readonly<Record<GoalStatus, string>> = {
  achieved: 'achieved',
  improving: 'improving',
  'no-change': 'no-change',
  worsening: 'worsening',
};

const noticeTexts: Readonly<Record<ReferringProviderNoticeIssued['notice'], string>> = {
  'referral-accepted': 'The referral was accepted.',
  'referral-declined': 'The referral was declined.',
  'order-renewed': 'The renewed order was recorded.',
  'authorization-recorded': "The payer's authorization was recorded.",
  'progress-report': 'A progress report is available.',
  'discharge-summary': 'The patient was discharged; the discharge summary is available.',
  'episode-cancelled': 'The episode was cancelled.',
};

/** The referral's status as a Task: where the closed loop with the referring provider stands. */
const taskStatus = (state: CareEpisodeState, declined: boolean): { status: Task['status']; business: string } => {
  switch (state.status) {
    case 'none':
    case 'planned':
      return { status: 'received', business: 'received' };
    case 'waitlist':
      return { status: 'received', business: 'routing' };
    case 'active':
      return state.visits.length === 0 ? { status: 'accepted', business: 'accepted' } : { status: 'in-progress', business: 'in care' };
    case 'onhold':
      return { status: 'on-hold', business: 'on hold' };
    case 'finished':
      return { status: 'completed', business: 'discharged' };
    case 'cancelled':
      return declined ? { status: 'rejected', business: 'declined' } : { status: 'cancelled', business: 'cancelled' };
  }
};

const visitDate = (visit: Visit): string => (visit.kind === 'session' ? visit.documentation.date : visit.date);

const score = (value: number) => ({ value, unit: '{score}', system: systems.ucum, code: '{score}' });

const measureConcept = (measure: OutcomeMeasure): CodeableConcept => {
  const loinc = loincOfMeasure[measure];
  return {
    coding: [...(loinc === undefined ? [] : [loinc]), { system: careflow.outcomeMeasure, code: measure }],
    text: measureDefinitions[measure].name,
  };
};

/** A measurement and the day it was taken. */
interface DatedMeasurement extends Measurement {
  readonly date: string;
  readonly source: string;
}

const measurementsOf = (events: readonly CareEpisodeEvent[]): DatedMeasurement[] =>
  events.flatMap((event): DatedMeasurement[] => {
    switch (event.type) {
      case 'AssessmentRecorded':
        return event.assessment.measures.map((m) => ({ ...m, date: event.assessment.assessedOn, source: 'assessment' }));
      case 'ProgressReportRecorded':
        return event.measures.map((m) => ({ ...m, date: event.reportedOn, source: `progress-report:${event.reportId}` }));
      case 'ReevaluationRecorded':
        return event.measures.map((m) => ({ ...m, date: event.reevaluatedOn, source: `reevaluation:${event.reevaluationId}` }));
      case 'EpisodeDischarged':
        return event.summary.measures.map((m) => ({
          measure: m.measure,
          value: m.atDischarge,
          date: event.dischargedOn,
          source: 'discharge',
        }));
      default:
        return [];
    }
  });

/** The latest status of each goal: the discharge summary's, else the last progress report's. */
const latestGoalStatuses = (events: readonly CareEpisodeEvent[]): Map<string, GoalStatus> => {
  const statuses = new Map<string, GoalStatus>();
  for (const event of events) {
    if (event.type === 'ProgressReportRecorded') event.goals.forEach((goal) => statuses.set(goal.goalId, goal.status));
    if (event.type === 'EpisodeDischarged') event.summary.goals.forEach((goal) => statuses.set(goal.goalId, goal.status));
  }
  return statuses;
};

export const episodeBundle = (input: EpisodeBundleInput): Bundle => {
  const { episodeId, events } = input;
  const state = fold(events);
  const { referral } = state;
  const [received] = eventsOf(events, 'ReferralReceived');
  if (referral === undefined || received === undefined) throw new Error('An episode without a referral has no FHIR Bundle.');

  const entries: BundleEntry<FhirResource>[] = [];
  /** Adds a resource under a name-based id and gives back the reference to it. */
  const add = (names: readonly string[], resource: FhirResource): Reference => {
    const fullUrl = `urn:uuid:${nameBasedUuid(episodeId, ...names)}`;
    entries.push({ fullUrl, resource });
    return { reference: fullUrl };
  };

  const patient = add(['Patient'], {
    resourceType: 'Patient',
    identifier: [{ type: coding(systems.identifierType, 'MR'), value: referral.patient.mrn }],
    name: [{ text: referral.patient.name }],
    gender: referral.patient.sex,
    birthDate: referral.patient.birthDate,
    address: [{ use: 'home', state: referral.patient.stateOfResidence, country: 'US' }],
  } satisfies Patient);

  // Physicians by NPI, therapists by their Careflow id; each once.
  const practitioners = new Map<string, Reference>();
  const physician = (person: ClinicalPractitioner): Reference => {
    const known = practitioners.get(`npi:${person.npi}`);
    if (known !== undefined) return known;
    const reference = add(['Practitioner', 'npi', person.npi], {
      resourceType: 'Practitioner',
      identifier: [{ system: systems.npi, value: person.npi }],
      name: [{ text: person.name }],
      qualification: [{ code: { text: person.credential } }],
    } satisfies Practitioner);
    practitioners.set(`npi:${person.npi}`, reference);
    return reference;
  };
  const therapist = (therapistId: string): Reference => {
    const known = practitioners.get(`therapist:${therapistId}`);
    if (known !== undefined) return known;
    const reference = add(['Practitioner', 'therapist', therapistId], {
      resourceType: 'Practitioner',
      identifier: [{ system: careflow.therapistId, value: therapistId }],
    } satisfies Practitioner);
    practitioners.set(`therapist:${therapistId}`, reference);
    return reference;
  };
  const referringProvider = physician(referral.referringProvider);
  const careManager = state.therapistId === undefined ? undefined : therapist(state.therapistId);

  const coverage = add(['Coverage'], {
    resourceType: 'Coverage',
    status: 'active',
    beneficiary: patient,
    payor: [{ identifier: { system: careflow.payerId, value: referral.payer.payerId } }],
    ...(referral.payer.memberId === undefined ? {} : { subscriberId: referral.payer.memberId }),
  } satisfies Coverage);

  const conditions = referral.diagnosisCodes.map((code) =>
    add(['Condition', code], {
      resourceType: 'Condition',
      clinicalStatus: coding(systems.conditionClinical, 'active'),
      verificationStatus: coding(systems.conditionVerification, 'confirmed'),
      category: [coding(systems.conditionCategory, 'encounter-diagnosis')],
      code: coding(systems.icd10cm, code),
      subject: patient,
    } satisfies Condition),
  );

  const serviceRequest = add(['ServiceRequest'], {
    resourceType: 'ServiceRequest',
    identifier: [{ system: careflow.referralId, value: referral.referralId }],
    status: requestStatus[state.status],
    intent: 'order',
    ...(referral.priority === undefined ? {} : { priority: referral.priority }),
    code: { text: referral.orderedService },
    subject: patient,
    authoredOn: referral.referralDate,
    requester: referringProvider,
    reasonReference: conditions,
    insurance: [coverage],
    ...(referral.bodyRegions === undefined ? {} : { bodySite: referral.bodyRegions.map((region) => coding(careflow.bodyRegion, region)) }),
    ...(referral.precautions === undefined ? {} : { note: referral.precautions.map((text) => ({ text })) }),
  } satisfies ServiceRequest);

  const closed = [
    ...eventsOf(events, 'EpisodeDischarged'),
    ...eventsOf(events, 'EpisodeCancelled'),
    ...eventsOf(events, 'ReferralDeclined'),
  ][0];
  const episode = add(['EpisodeOfCare'], {
    resourceType: 'EpisodeOfCare',
    identifier: [{ system: careflow.episodeId, value: episodeId }],
    status: state.status === 'none' ? 'planned' : state.status,
    diagnosis: conditions.map((condition, index) => ({ condition, rank: index + 1 })),
    patient,
    referralRequest: [serviceRequest],
    ...(careManager === undefined ? {} : { careManager }),
    period: { start: received.occurredAt, ...(closed === undefined ? {} : { end: closed.occurredAt }) },
  } satisfies EpisodeOfCare);

  const lastEvent = events[events.length - 1] ?? received;
  const task = taskStatus(state, eventsOf(events, 'ReferralDeclined').length > 0);
  add(['Task'], {
    resourceType: 'Task',
    identifier: [{ system: careflow.referralId, value: referral.referralId }],
    status: task.status,
    businessStatus: { text: task.business },
    intent: 'order',
    code: coding(systems.taskCode, 'fulfill'),
    focus: serviceRequest,
    for: patient,
    basedOn: [serviceRequest],
    authoredOn: received.occurredAt,
    lastModified: lastEvent.occurredAt,
    requester: referringProvider,
    ...(careManager === undefined ? {} : { owner: careManager }),
  } satisfies Task);

  // Observations before goals, so each goal can point at the measurements of its measure.
  const observations = measurementsOf(events).map((measurement) => ({
    measurement,
    reference: add(['Observation', measurement.source, measurement.measure], {
      resourceType: 'Observation',
      status: 'final',
      category: [coding(systems.observationCategory, 'survey')],
      code: measureConcept(measurement.measure),
      subject: patient,
      effectiveDateTime: measurement.date,
      ...(careManager === undefined ? {} : { performer: [careManager] }),
      valueQuantity: score(measurement.value),
    } satisfies Observation),
  }));

  const plan = state.plan;
  if (plan !== undefined) {
    const statuses = latestGoalStatuses(events);
    const goals = plan.goals.map((goal) => {
      const status = statuses.get(goal.goalId);
      const outcomes = observations.filter(({ measurement }) => measurement.measure === goal.measure).map(({ reference }) => reference);
      return add(['Goal', goal.goalId], {
        resourceType: 'Goal',
        identifier: [{ system: careflow.goalId, value: goal.goalId }],
        lifecycleStatus: goalLifecycle(state.status),
        ...(status === undefined ? {} : { achievementStatus: coding(systems.goalAchievement, goalAchievement[status]) }),
        description: { text: goal.description },
        subject: patient,
        target: [{ measure: measureConcept(goal.measure), detailQuantity: score(goal.target), dueDate: goal.targetDate }],
        addresses: conditions,
        ...(outcomes.length === 0 ? {} : { outcomeReference: outcomes }),
      } satisfies Goal);
    });
    const activityStatus = state.status === 'finished' ? 'completed' : state.status === 'cancelled' ? 'cancelled' : 'in-progress';
    const { periodStart, periodEnd } = state.certification;
    add(['CarePlan'], {
      resourceType: 'CarePlan',
      status: carePlanStatus[state.status],
      intent: 'plan',
      subject: patient,
      ...(periodStart === undefined ? {} : { period: { start: periodStart, ...(periodEnd === undefined ? {} : { end: periodEnd }) } }),
      ...(careManager === undefined ? {} : { author: careManager }),
      addresses: conditions,
      goal: goals,
      activity: plan.techniques.map((technique) => ({
        detail: {
          kind: 'ServiceRequest',
          code: coding(careflow.technique, technique),
          status: activityStatus,
          scheduledTiming: {
            repeat: {
              frequency: plan.frequencyPerWeek,
              period: 1,
              periodUnit: 'wk',
              boundsDuration: { value: plan.durationWeeks, unit: 'wk', system: systems.ucum, code: 'wk' },
            },
          },
        },
      })),
      ...(plan.precautions.length === 0 ? {} : { note: plan.precautions.map((text) => ({ text })) }),
    } satisfies CarePlan);
  }

  const encounters = new Map<string, Reference>();
  for (const visit of state.visits) {
    const date = visitDate(visit);
    const performer = visit.kind === 'session' ? therapist(visit.documentation.therapist.therapistId) : careManager;
    const encounter = add(['Encounter', visit.sessionId], {
      resourceType: 'Encounter',
      identifier: [{ system: careflow.sessionId, value: visit.sessionId }],
      status: visit.kind !== 'session' ? 'cancelled' : visit.paused ? 'in-progress' : 'finished',
      class: { system: systems.actCode, code: 'AMB', display: 'ambulatory' },
      ...(visit.kind === 'session'
        ? {}
        : { type: [{ text: visit.kind === 'no-show' ? 'missed visit: no-show' : 'missed visit: cancelled' }] }),
      subject: patient,
      episodeOfCare: [episode],
      basedOn: [serviceRequest],
      ...(performer === undefined ? {} : { participant: [{ individual: performer }] }),
      period: { start: date, end: date },
    } satisfies Encounter);
    if (visit.kind === 'session' && !encounters.has(date)) encounters.set(date, encounter);
  }

  for (const session of sessionsOf(state)) {
    const { documentation } = session;
    const regions = [...new Set(documentation.lines.flatMap((line) => line.bodyRegions))];
    add(['Procedure', session.sessionId], {
      resourceType: 'Procedure',
      identifier: [{ system: careflow.sessionId, value: session.sessionId }],
      basedOn: [serviceRequest],
      status: session.paused ? 'in-progress' : 'completed',
      code: { text: 'Clinical massage therapy session' },
      subject: patient,
      encounter: encounters.get(documentation.date) ?? episode,
      performedDateTime: documentation.date,
      performer: [{ actor: therapist(documentation.therapist.therapistId) }],
      reasonReference: conditions,
      bodySite: regions.map((region) => coding(careflow.bodyRegion, region)),
      ...(documentation.adverseEvents.length === 0 ? {} : { complication: documentation.adverseEvents.map((text) => ({ text })) }),
      ...(documentation.techniques.length === 0 ? {} : { note: [{ text: `Techniques: ${documentation.techniques.join(', ')}` }] }),
    } satisfies Procedure);
  }

  input.charges.forEach((charge, index) => {
    add(['ChargeItem', String(index), charge.serviceDate, charge.code], {
      resourceType: 'ChargeItem',
      status: charge.status,
      code: coding(systems.cpt, charge.code),
      subject: patient,
      context: encounters.get(charge.serviceDate) ?? episode,
      occurrenceDateTime: charge.serviceDate,
      quantity: { value: charge.units },
      priceOverride: { value: charge.amountCents / 100, currency: 'USD' },
    } satisfies ChargeItem);
  });

  eventsOf(events, 'ReferringProviderNoticeIssued').forEach((notice, index) => {
    const recipient = practitioners.get(`npi:${notice.referringProviderNpi}`);
    add(['Communication', String(index), notice.notice], {
      resourceType: 'Communication',
      basedOn: [serviceRequest],
      status: 'completed',
      category: [coding(systems.communicationCategory, 'notification')],
      subject: patient,
      topic: { ...coding(careflow.referralNotice, notice.notice), text: noticeTexts[notice.notice] },
      about: [episode],
      sent: notice.occurredAt,
      ...(recipient === undefined ? {} : { recipient: [recipient] }),
      payload: [{ contentString: noticeTexts[notice.notice] }],
    } satisfies Communication);
  });

  return { resourceType: 'Bundle', type: 'collection', timestamp: input.generatedAt, entry: entries };
};
