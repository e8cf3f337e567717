/** Treatment sessions, missed visits, signatures and addenda (docs/clinical-rules.md §7). */
import { daysBetween, type IsoDate } from '../calendar';
import { billingRelevantLineChanges, findCodePairConflict } from '../billing';
import { DomainError, type Refusal } from '../errors';
import { authorizationRefusal } from '../rules/authorization';
import { isPastCertifiedPeriod } from '../rules/certification';
import type { BodyRegion, Technique } from '../rules/catalogue';
import { restrictedTechniqueRefusal } from '../rules/contraindications';
import { isNoShowPromptDue } from '../rules/no-shows';
import { mergeSessionLines, type SessionLine } from '../rules/notes';
import { plateauDecisionRefusal } from '../rules/plateau';
import { progressReportOverdueRefusal, treatmentDayNotice } from '../rules/progress-reports';
import type { DepartmentSettings } from '../settings';
import { firstRefusal, type Decision, type Handler } from './decision';
import type { CareEpisodeEvent } from './events';
import { careStarted, duplicate, localToday, notAfterToday, notBefore, present, stamp } from './guards';
import type { RegionPressure, SessionDocumentation } from './records';
import {
  authorizedVisitsUsed,
  certificationStanding,
  findSession,
  isAssessed,
  isPlanned,
  isReferred,
  sessionsOf,
  unclearedContraindications,
  type CareEpisodeState,
  type PlannedEpisode,
  type SessionVisit,
} from './state';

/** Technique, pressure and region use of some documentation, checked against the plan and precautions. */
const treatmentRefusal = (
  state: PlannedEpisode,
  use: { techniques: readonly Technique[]; pressure: readonly RegionPressure[]; lines: readonly SessionLine[] },
): Refusal => {
  const { plan } = state;
  const techniques = [
    ...new Set([...use.techniques, ...use.pressure.flatMap((entry) => (entry.technique === undefined ? [] : [entry.technique]))]),
  ];
  const outside = techniques.find((technique) => !plan.techniques.includes(technique));
  if (outside !== undefined) {
    return new DomainError('TECHNIQUE_NOT_IN_PLAN', `${outside} is not among the plan of care's techniques; revise the plan first.`, {
      technique: outside,
    });
  }
  const treatedRegions: BodyRegion[] = [...use.lines.flatMap((line) => line.bodyRegions), ...use.pressure.map((p) => p.bodyRegion)];
  return restrictedTechniqueRefusal(unclearedContraindications(state, 'relative'), {
    techniques,
    pressure: use.pressure,
    treatedRegions,
  });
};

/**
 * 97124 and 97140 on one region are billed per patient-day (docs/clinical-rules.md §10), so the pair is
 * checked across every session of the day, continuations included, with `lines` in place of the
 * lines of `sessionId` when it is already recorded.
 */
const dayCodePairConflict = (state: CareEpisodeState, date: IsoDate, sessionId: string, lines: readonly SessionLine[]): Refusal =>
  findCodePairConflict([
    ...sessionsOf(state)
      .filter((other) => other.documentation.date === date && other.sessionId !== sessionId)
      .flatMap((other) => other.documentation.lines),
    ...lines,
  ]);

const onHoldRefusal = (state: CareEpisodeState): Refusal =>
  state.status === 'onhold'
    ? new DomainError(
        'EPISODE_ON_HOLD',
        unclearedContraindications(state, 'absolute').length > 0
          ? 'No session while the episode is on hold for an absolute contraindication; the physician must clear it first.'
          : 'No session while the episode is on hold; resume it first.',
      )
    : undefined;

const readyForSessions = (state: CareEpisodeState): PlannedEpisode | DomainError => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  if (!episode.intake) return new DomainError('INTAKE_REQUIRED', 'A session needs the intake and screening first.');
  if (!isAssessed(episode)) return new DomainError('ASSESSMENT_REQUIRED', 'A session needs the initial assessment first.');
  if (!isPlanned(episode)) return new DomainError('PLAN_OF_CARE_REQUIRED', 'A session needs an established plan of care first.');
  return episode;
};

const visitIdTaken = (state: CareEpisodeState, sessionId: string): Refusal =>
  duplicate(
    state.visits.some((visit) => visit.sessionId === sessionId),
    `Visit ${sessionId}`,
  );

const sessionRefusal = (
  state: PlannedEpisode,
  command: { sessionId: string; session: SessionDocumentation; at: string },
  settings: DepartmentSettings,
): Refusal => {
  const { session } = command;
  const { certification, progress } = state;
  return firstRefusal(
    () => onHoldRefusal(state),
    () => plateauDecisionRefusal(state.plateauPending),
    () => visitIdTaken(state, command.sessionId),
    () => notAfterToday(session.date, command.at, settings, 'A session'),
    () => notBefore(session.date, state.assessment.assessedOn, 'A session', 'the evaluation'),
    () => notBefore(session.date, progress.periodStart, 'A session', 'the last progress report'),
    () =>
      isPastCertifiedPeriod(certification.periodEnd, session.date)
        ? new DomainError(
            'CERTIFICATION_EXPIRED',
            `The certified period ended on ${certification.periodEnd}; no session after it until the plan of care is recertified.`,
          )
        : undefined,
    () =>
      certification.recertificationRequired
        ? new DomainError(
            'RECERTIFICATION_REQUIRED',
            'The plan of care changed materially (frequency, duration, new or changed goals); it needs recertification before more sessions.',
          )
        : undefined,
    () =>
      daysBetween(session.therapist.licenseExpiresOn, session.date) > 0
        ? new DomainError('LICENSE_EXPIRED', "The therapist's license had expired by the session date.")
        : undefined,
    () =>
      authorizationRefusal(state.authorization, {
        authorizedVisitsUsed: authorizedVisitsUsed(state),
        sessionDate: session.date,
        selfPay: session.selfPay,
      }),
    () =>
      progressReportOverdueRefusal(
        {
          daysCounted: progress.treatmentDaysInPeriod,
          isNewTreatmentDay: !state.treatmentDays.includes(session.date),
          sessionDate: session.date,
          periodStart: progress.periodStart,
        },
        settings,
      ),
    () => treatmentRefusal(state, session),
    () => dayCodePairConflict(state, session.date, command.sessionId, session.lines),
  );
};

export const recordSession: Handler<'RecordSession'> = (command, state, settings) => {
  const episode = readyForSessions(state);
  if (episode instanceof DomainError) return episode;
  const refusal = sessionRefusal(episode, command, settings);
  if (refusal) return refusal;
  const { session } = command;
  const newTreatmentDay = !state.treatmentDays.includes(session.date);
  const treatmentDaysInPeriod = state.progress.treatmentDaysInPeriod + (newTreatmentDay ? 1 : 0);
  const notice = newTreatmentDay ? treatmentDayNotice(treatmentDaysInPeriod) : undefined;
  const noticeEvents: CareEpisodeEvent[] =
    notice === 'warning'
      ? [{ type: 'ProgressReportDueSoon', ...stamp(command), treatmentDaysInPeriod }]
      : notice === 'due'
        ? [{ type: 'ProgressReportDue', ...stamp(command), basis: 'treatment-days' }]
        : [];
  return [
    {
      type: 'SessionRecorded',
      ...stamp(command),
      sessionId: command.sessionId,
      session,
      visitNumber: sessionsOf(state).length + 1,
      newTreatmentDay,
      treatmentDaysInPeriod,
      certificationStanding: certificationStanding(state, session.date),
    },
    ...noticeEvents,
  ];
};

const sessionNotFound = (sessionId: string): DomainError =>
  new DomainError('SESSION_NOT_FOUND', `No session ${sessionId} is recorded in this episode.`);

/** A recorded session, with its episode: sessions are recorded only once the plan of care is established. */
const recordedSession = (state: CareEpisodeState, sessionId: string): { episode: PlannedEpisode; session: SessionVisit } | DomainError => {
  const session = findSession(state, sessionId);
  return session === undefined || !isPlanned(state) ? sessionNotFound(sessionId) : { episode: state, session };
};

/** A recorded session of this episode, still open to change (not signed, episode not closed). */
const openSession = (state: CareEpisodeState, sessionId: string): { episode: PlannedEpisode; session: SessionVisit } | DomainError => {
  const refusal = careStarted(state);
  if (refusal instanceof DomainError) return refusal;
  const recorded = recordedSession(state, sessionId);
  if (recorded instanceof DomainError) return recorded;
  if (recorded.session.signed) return new DomainError('NOTE_LOCKED', 'The session note is signed and locked; add an addendum instead.');
  return recorded;
};

/** "The same day" is the department's day: 19:30 in New York is not tomorrow because UTC says so. */
const sameDay = (session: SessionVisit, at: string, settings: DepartmentSettings, what: string): Refusal =>
  localToday(at, settings) === session.documentation.date
    ? undefined
    : new DomainError('INVALID_SESSION', `A session can only be ${what} on the day it took place.`);

export const pauseSession: Handler<'PauseSession'> = (command, state, settings) => {
  const open = openSession(state, command.sessionId);
  if (open instanceof DomainError) return open;
  const { session } = open;
  return (
    firstRefusal(
      () => (session.paused ? new DomainError('SESSION_NOT_IN_PROGRESS', 'The session is already paused.') : undefined),
      () => sameDay(session, command.at, settings, 'paused'),
    ) ?? [{ type: 'SessionPaused', ...stamp(command), sessionId: session.sessionId, reason: command.reason }]
  );
};

export const resumeSession: Handler<'ResumeSession'> = (command, state, settings) => {
  const open = openSession(state, command.sessionId);
  if (open instanceof DomainError) return open;
  const { episode, session } = open;
  const { continuation } = command;
  return (
    firstRefusal(
      () => (session.paused ? undefined : new DomainError('SESSION_NOT_PAUSED', 'Only a paused session can be resumed.')),
      () => sameDay(session, command.at, settings, 'resumed'),
      () => onHoldRefusal(episode),
      () => treatmentRefusal(episode, continuation),
      () =>
        dayCodePairConflict(
          state,
          session.documentation.date,
          session.sessionId,
          mergeSessionLines(session.documentation.lines, continuation.lines),
        ),
    ) ?? [{ type: 'SessionResumed', ...stamp(command), sessionId: session.sessionId, continuation }]
  );
};

const missedVisitRefusal = (
  state: CareEpisodeState,
  command: { sessionId: string; date: IsoDate; at: string },
  settings: DepartmentSettings,
): Refusal => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  return firstRefusal(
    () => visitIdTaken(state, command.sessionId),
    () => notAfterToday(command.date, command.at, settings, 'A missed visit'),
  );
};

export const cancelSession: Handler<'CancelSession'> = (command, state, settings) =>
  missedVisitRefusal(state, command, settings) ?? [
    {
      type: 'SessionCancelled',
      ...stamp(command),
      sessionId: command.sessionId,
      date: command.date,
      cancelledBy: command.cancelledBy,
      ...present('reason', command.reason),
    },
  ];

export const recordNoShow: Handler<'RecordNoShow'> = (command, state, settings): Decision => {
  const refusal = missedVisitRefusal(state, command, settings);
  if (refusal) return refusal;
  const consecutiveNoShows = state.consecutiveNoShows + 1;
  return [
    { type: 'NoShowRecorded', ...stamp(command), sessionId: command.sessionId, date: command.date, consecutiveNoShows },
    ...(isNoShowPromptDue(consecutiveNoShows, settings)
      ? [{ type: 'NoShowDischargePromptRaised', ...stamp(command), consecutiveNoShows } as const]
      : []),
  ];
};

export const signNote: Handler<'SignNote'> = (command, state) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const session = findSession(episode, command.sessionId);
  if (session === undefined) return sessionNotFound(command.sessionId);
  if (session.signed) return new DomainError('SESSION_ALREADY_SIGNED', 'The session note is already signed.');
  if (session.paused) return new DomainError('SESSION_PAUSED', 'Resume and finish the paused session before signing its note.');
  return [{ type: 'NoteSigned', ...stamp(command), sessionId: command.sessionId }];
};

/** Corrected lines pass the session rules on what was done: plan techniques, precautions, the day's code pair. */
const correctionRefusal = (state: PlannedEpisode, session: SessionVisit, correctedLines: readonly SessionLine[]): Refusal =>
  firstRefusal(
    () => treatmentRefusal(state, { ...session.documentation, lines: correctedLines }),
    () => dayCodePairConflict(state, session.documentation.date, session.sessionId, correctedLines),
  );

/**
 * Addenda are the one thing still possible after an episode closes. A signed note has been released
 * to billing, so a correction of its billing-relevant fields asks for a corrected claim.
 */
export const addAddendum: Handler<'AddAddendum'> = (command, state) => {
  if (!isReferred(state)) return new DomainError('EPISODE_NOT_STARTED', 'There is no referral for this episode yet.');
  const recorded = recordedSession(state, command.sessionId);
  if (recorded instanceof DomainError) return recorded;
  const { episode, session } = recorded;
  const refusal = firstRefusal(
    () =>
      duplicate(
        sessionsOf(episode).some((s) => s.addendumIds.includes(command.addendumId)),
        `Addendum ${command.addendumId}`,
      ),
    () => (command.correctedLines === undefined ? undefined : correctionRefusal(episode, session, command.correctedLines)),
  );
  if (refusal) return refusal;
  const { documentation, signed } = session;
  const changedFields = command.correctedLines === undefined ? [] : billingRelevantLineChanges(documentation.lines, command.correctedLines);
  return [
    {
      type: 'AddendumAdded',
      ...stamp(command),
      sessionId: command.sessionId,
      addendumId: command.addendumId,
      text: command.text,
      ...present('correctedLines', command.correctedLines),
    },
    ...(signed && changedFields.length > 0
      ? [
          {
            type: 'CorrectedClaimRequired',
            ...stamp(command),
            sessionId: command.sessionId,
            addendumId: command.addendumId,
            changedFields,
          } as const,
        ]
      : []),
  ];
};
