/**
 * The care-episode decider: `decide(command, state, settings)` answers with the events to append or
 * the rule's refusal; it throws only on a bug, and never reads a clock. Settings are passed on every call
 * (the department's current settings); what a rule decided with them is written into the events, so
 * `evolve` and replay never need settings.
 */
import { DomainError } from '../errors';
import { defaultDepartmentSettings, departmentSettingsRefusal, type DepartmentSettings } from '../settings';
import { parseCommand } from './command-schemas';
import type { CareEpisodeCommand, CareEpisodeCommandType } from './commands';
import { recordTherapyThresholdCrossing } from './decide-billing';
import { cancelEpisode, dischargeEpisode } from './decide-closing';
import { markDeadlinePassed } from './decide-deadlines';
import { recordAuthorization, renewOrder } from './decide-orders';
import {
  certifyPlanOfCare,
  establishPlanOfCare,
  recertifyPlanOfCare,
  recordAssessment,
  revisePlanOfCare,
  signVerbalOrder,
} from './decide-plan';
import { decideAfterPlateau, recordProgressReport, recordReevaluation } from './decide-progress';
import {
  acceptOffer,
  declineOffer,
  declineReferral,
  escalateReferral,
  offerToTherapist,
  receiveReferral,
  routeReferral,
} from './decide-referral';
import {
  flagContraindication,
  grantClearance,
  placeOnHold,
  recordIntake,
  recordRefusedClearanceSignal,
  requestClearance,
  resumeEpisode,
} from './decide-screening';
import { addAddendum, cancelSession, pauseSession, recordNoShow, recordSession, resumeSession, signNote } from './decide-sessions';
import type { Decision, Handler } from './decision';
import type { CareEpisodeEvent } from './events';
import { evolve } from './evolve';
import { roleRefusal } from './roles';
import { initialState, type CareEpisodeState } from './state';

const handlers: { readonly [T in CareEpisodeCommandType]: Handler<T> } = {
  ReceiveReferral: receiveReferral,
  RouteReferral: routeReferral,
  OfferToTherapist: offerToTherapist,
  AcceptOffer: acceptOffer,
  DeclineOffer: declineOffer,
  EscalateReferral: escalateReferral,
  DeclineReferral: declineReferral,
  RecordIntake: recordIntake,
  FlagContraindication: flagContraindication,
  RequestClearance: requestClearance,
  GrantClearance: grantClearance,
  PlaceOnHold: placeOnHold,
  ResumeEpisode: resumeEpisode,
  RecordAssessment: recordAssessment,
  EstablishPlanOfCare: establishPlanOfCare,
  RevisePlanOfCare: revisePlanOfCare,
  CertifyPlanOfCare: certifyPlanOfCare,
  SignVerbalOrder: signVerbalOrder,
  RecertifyPlanOfCare: recertifyPlanOfCare,
  RenewOrder: renewOrder,
  RecordAuthorization: recordAuthorization,
  RecordSession: recordSession,
  PauseSession: pauseSession,
  ResumeSession: resumeSession,
  CancelSession: cancelSession,
  RecordNoShow: recordNoShow,
  SignNote: signNote,
  AddAddendum: addAddendum,
  RecordProgressReport: recordProgressReport,
  RecordReevaluation: recordReevaluation,
  DecideAfterPlateau: decideAfterPlateau,
  DischargeEpisode: dischargeEpisode,
  CancelEpisode: cancelEpisode,
  RecordTherapyThresholdCrossing: recordTherapyThresholdCrossing,
  MarkDeadlinePassed: markDeadlinePassed,
  RecordRefusedClearanceSignal: recordRefusedClearanceSignal,
};

/**
 * `command` is `unknown` on purpose: it is checked here, so callers may pass what arrived over the
 * wire. A malformed command is refused; a handler that throws is a bug and the throw goes on (the
 * workflow task fails and Temporal retries it once the bug is fixed), never disguised as a refusal.
 */
export const decide = (
  command: CareEpisodeCommand | unknown,
  state: CareEpisodeState,
  settings: DepartmentSettings = defaultDepartmentSettings,
): Decision => {
  const parsed = parseCommand(command);
  return parsed instanceof DomainError ? parsed : decideParsed(parsed, state, settings);
};

/**
 * `decide` for a command that `parseCommand` (or its command schema) has just accepted, which is not
 * checked a second time: the workflow's Update validator and the API parse first, to refuse a malformed
 * command with its own message, and the shape check is the costliest part of a decision.
 */
export const decideParsed = (
  command: CareEpisodeCommand,
  state: CareEpisodeState,
  settings: DepartmentSettings = defaultDepartmentSettings,
): Decision => {
  const refusal = roleRefusal(command.type, command.actor.role) ?? departmentSettingsRefusal(settings);
  if (refusal) return refusal;
  // Unavoidable cast: TypeScript cannot correlate `handlers[command.type]` with `command` (a correlated union);
  // the type of `handlers` already pairs each command type with its handler.
  return (handlers[command.type] as Handler<CareEpisodeCommandType>)(command, state, settings);
};

/** State after a sequence of events, from the beginning. */
export const fold = (events: Iterable<CareEpisodeEvent>, from: CareEpisodeState = initialState): CareEpisodeState => {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
};
