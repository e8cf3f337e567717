/** Intake, contraindication screening, clearance, hold and resume (docs/clinical-rules.md §4). */
import { DomainError } from '../errors';
import { isQualifiedCertifier, withCanonicalCredential } from '../rules/certification';
import type { BodyRegion } from '../rules/catalogue';
import {
  derivedFindingIdPrefix,
  findingRefusal,
  findingsFromIntake,
  fracturesAtTreatedRegions,
  screen,
  type Contraindication,
  type ScreeningFinding,
} from '../rules/contraindications';
import type { CommandOf } from './commands';
import { firstRefusal, type Decision, type Handler } from './decision';
import type { CareEpisodeEvent } from './events';
import { careStarted, duplicate, localToday, notAfterToday, present, stamp } from './guards';
import type { PlanOfCare } from './records';
import {
  treatedRegions,
  unclearedContraindications,
  type CareEpisodeState,
  type ContraindicationState,
  type ReferredEpisode,
} from './state';

type Stamped = CommandOf<'RecordIntake' | 'FlagContraindication' | 'EstablishPlanOfCare' | 'RevisePlanOfCare'>;

/** Flags what screening found; an absolute finding holds the episode and asks the physician to clear it. */
const screeningEvents = (command: Stamped, state: ReferredEpisode, found: readonly Contraindication[]): CareEpisodeEvent[] => {
  const absolute = found.filter((c) => c.severity === 'absolute');
  const npi = state.referral.referringProvider.npi;
  return [
    ...found.map((contraindication): CareEpisodeEvent => ({ type: 'ContraindicationFlagged', ...stamp(command), contraindication })),
    ...(absolute.length > 0 && state.status !== 'onhold'
      ? [{ type: 'EpisodePutOnHold', ...stamp(command), reason: 'contraindication' } as const]
      : []),
    ...absolute.map((c): CareEpisodeEvent => ({
      type: 'ClearanceRequested',
      ...stamp(command),
      findingId: c.findingId,
      referringProviderNpi: npi,
    })),
  ];
};

const findingIdTaken = (state: CareEpisodeState, findingId: string): boolean =>
  state.contraindications.some((c) => c.findingId === findingId) || (state.intake?.findings ?? []).some((f) => f.findingId === findingId);

const findingsRefusal = (findings: readonly ScreeningFinding[]) => () =>
  findings.map(findingRefusal).find((refusal) => refusal !== undefined);

const reservedFindingIds = (findings: readonly ScreeningFinding[]) => () =>
  findings.some((finding) => finding.findingId.startsWith(derivedFindingIdPrefix))
    ? new DomainError(
        'INVALID_COMMAND',
        `Finding ids starting with "${derivedFindingIdPrefix}" are reserved for findings derived from the intake.`,
      )
    : undefined;

export const recordIntake: Handler<'RecordIntake'> = (command, state, settings): Decision => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => (state.intake ? new DomainError('OUT_OF_ORDER', 'Intake is already recorded for this episode.') : undefined),
    reservedFindingIds(command.intake.findings),
    ...command.intake.recentSurgeries.map((surgery) => () => notAfterToday(surgery.date, command.at, settings, 'A surgery')),
    findingsRefusal(command.intake.findings),
  );
  if (refusal) return refusal;
  const screenedOn = localToday(command.at, settings);
  const findings = [...command.intake.findings, ...findingsFromIntake(command.intake)];
  const found = findings
    .map((finding) => screen(finding, screenedOn, treatedRegions(state)))
    .filter((c): c is Contraindication => c !== undefined);
  return [
    { type: 'IntakeRecorded', ...stamp(command), intake: { ...command.intake, findings } },
    ...screeningEvents(command, episode, found),
  ];
};

export const flagContraindication: Handler<'FlagContraindication'> = (command, state, settings) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => (state.intake ? undefined : new DomainError('INTAKE_REQUIRED', 'Record the intake before flagging further findings.')),
    () => duplicate(findingIdTaken(state, command.finding.findingId), `Finding ${command.finding.findingId}`),
    findingsRefusal([command.finding]),
  );
  if (refusal) return refusal;
  const contraindication = screen(command.finding, localToday(command.at, settings), treatedRegions(state));
  if (contraindication === undefined) {
    return new DomainError(
      'INVALID_COMMAND',
      'This finding lies further back than the screening window and is history, not a contraindication; record it in the medical history.',
    );
  }
  return screeningEvents(command, episode, [contraindication]);
};

/**
 * A plan that adds the site of an uncleared fracture to the regions to be treated makes it a fracture
 * at the treatment site: absolute, so the episode holds and the physician is asked to clear it.
 */
export const fractureAtPlannedSiteEvents = (command: Stamped, state: ReferredEpisode, plan: PlanOfCare): CareEpisodeEvent[] => {
  const regions: BodyRegion[] = [...treatedRegions(state), ...(plan.bodyRegions ?? [])];
  const nowAbsolute = fracturesAtTreatedRegions(unclearedContraindications(state, 'relative'), regions).map(
    ({ clearanceRequested: _requested, cleared: _cleared, ...contraindication }): Contraindication => ({
      ...contraindication,
      severity: 'absolute',
    }),
  );
  return screeningEvents(command, state, nowAbsolute);
};

const findContraindication = (state: CareEpisodeState, findingId: string): ContraindicationState | DomainError => {
  const found = state.contraindications.find((c) => c.findingId === findingId);
  if (found === undefined)
    return new DomainError('CONTRAINDICATION_NOT_FOUND', `No contraindication ${findingId} was flagged in this episode.`);
  if (found.cleared) return new DomainError('INVALID_STATUS_TRANSITION', `Contraindication ${findingId} is already cleared.`);
  return found;
};

export const requestClearance: Handler<'RequestClearance'> = (command, state) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const found = findContraindication(state, command.findingId);
  if (found instanceof DomainError) return found;
  return [
    {
      type: 'ClearanceRequested',
      ...stamp(command),
      findingId: found.findingId,
      referringProviderNpi: episode.referral.referringProvider.npi,
    },
  ];
};

export const grantClearance: Handler<'GrantClearance'> = (command, state, settings) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => notAfterToday(command.clearedOn, command.at, settings, 'A clearance'),
    () =>
      isQualifiedCertifier(command.clearedBy.credential)
        ? undefined
        : new DomainError('CERTIFIER_NOT_QUALIFIED', 'A clearance comes from an MD, DO, NP or PA.'),
  );
  if (refusal) return refusal;
  const found = findContraindication(state, command.findingId);
  if (found instanceof DomainError) return found;
  if (!found.clearanceRequested) {
    return new DomainError('CLEARANCE_NOT_REQUESTED', `Request clearance of contraindication ${found.findingId} before recording it.`);
  }
  const lastAbsoluteHold =
    found.severity === 'absolute' &&
    state.status === 'onhold' &&
    !state.heldOnRequest &&
    unclearedContraindications(state, 'absolute').length === 1;
  return [
    {
      type: 'ClearanceGranted',
      ...stamp(command),
      findingId: found.findingId,
      clearedBy: withCanonicalCredential(command.clearedBy),
      clearedOn: command.clearedOn,
    },
    ...(lastAbsoluteHold ? [{ type: 'EpisodeResumed', ...stamp(command) } as const] : []),
  ];
};

export const placeOnHold: Handler<'PlaceOnHold'> = (command, state) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  return episode.heldOnRequest
    ? new DomainError('INVALID_STATUS_TRANSITION', 'The episode is already on hold.')
    : [{ type: 'EpisodePutOnHold', ...stamp(command), reason: 'requested', note: command.reason }];
};

export const resumeEpisode: Handler<'ResumeEpisode'> = (command, state) => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  const refusal = firstRefusal(
    () => (state.status === 'onhold' ? undefined : new DomainError('INVALID_STATUS_TRANSITION', 'The episode is not on hold.')),
    () =>
      unclearedContraindications(state, 'absolute').length > 0
        ? new DomainError(
            'CLEARANCE_REQUIRED',
            'The episode is on hold for an absolute contraindication; it resumes when the physician clears it.',
          )
        : undefined,
  );
  return refusal ?? [{ type: 'EpisodeResumed', ...stamp(command) }];
};

/** Always recorded: the record of a refused Signal must not depend on the episode's state. */
export const recordRefusedClearanceSignal: Handler<'RecordRefusedClearanceSignal'> = (command) => [
  {
    type: 'ClearanceSignalRefused',
    ...stamp(command),
    claimedRole: command.claimedRole,
    reason: command.reason,
    ...present('refusalCode', command.refusalCode),
  },
];
