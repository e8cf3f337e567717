/** Refusals that many commands share: where the episode is in its lifecycle, and dates. */
import { daysBetween, localDateOf, type IsoDate, type IsoInstant } from '../calendar';
import { DomainError, type Refusal } from '../errors';
import { timeZoneOf, type DepartmentSettings } from '../settings';
import { careEpisodeEventSchemaVersion } from './events';
import type { Actor } from './records';
import { isClosed, isPlanned, isReferred, type CareEpisodeState, type PlannedEpisode, type ReferredEpisode } from './state';

/** The episode has its referral and is not closed; answers the episode as referred, or the refusal. */
export const started = (state: CareEpisodeState): ReferredEpisode | DomainError => {
  if (!isReferred(state)) return new DomainError('EPISODE_NOT_STARTED', 'There is no referral for this episode yet.');
  if (isClosed(state)) {
    return new DomainError('EPISODE_CLOSED', `The episode is ${state.status}; only addenda can be added now.`, {
      status: state.status,
    });
  }
  return state;
};

/** Care starts when a therapist accepts the referral. */
export const careStarted = (state: CareEpisodeState): ReferredEpisode | DomainError => {
  const episode = started(state);
  return episode instanceof DomainError || (episode.status !== 'planned' && episode.status !== 'waitlist')
    ? episode
    : new DomainError('OUT_OF_ORDER', 'Care starts when a therapist accepts the referral; this step comes after that.');
};

/** Care has started and the plan of care is established. */
export const needsPlan = (state: CareEpisodeState): PlannedEpisode | DomainError => {
  const episode = careStarted(state);
  if (episode instanceof DomainError) return episode;
  return isPlanned(episode) ? episode : new DomainError('PLAN_OF_CARE_REQUIRED', 'Establish the plan of care first.');
};

/** The department's calendar date at the command's instant. */
export const localToday = (at: IsoInstant, settings: DepartmentSettings): IsoDate => localDateOf(at, timeZoneOf(settings));

export const notAfterToday = (date: IsoDate, at: IsoInstant, settings: DepartmentSettings, what: string): Refusal =>
  daysBetween(localToday(at, settings), date) > 0
    ? new DomainError('INVALID_COMMAND', `${what} cannot be later than the day it is recorded.`)
    : undefined;

export const notBefore = (date: IsoDate, earliest: IsoDate | undefined, what: string, earliestWhat: string): Refusal =>
  earliest !== undefined && daysBetween(earliest, date) < 0
    ? new DomainError('INVALID_COMMAND', `${what} cannot be earlier than ${earliestWhat}.`)
    : undefined;

export const duplicate = (exists: boolean, what: string): Refusal =>
  exists ? new DomainError('DUPLICATE_ID', `${what} already exists in this episode; use a new id.`) : undefined;

/** Fields every event carries. */
export const stamp = (command: { readonly at: IsoInstant; readonly actor: Actor }) =>
  ({ schemaVersion: careEpisodeEventSchemaVersion, occurredAt: command.at, actor: command.actor }) as const;

/** Adds `key` only when the value is present, so events never carry explicit undefined. */
export const present = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
