import type { DomainError, Refusal } from '../errors';
import type { DepartmentSettings } from '../settings';
import type { CareEpisodeCommandType, CommandOf } from './commands';
import type { CareEpisodeEvent } from './events';
import type { CareEpisodeState } from './state';

/** What `decide` answers: the events to append, or the rule's refusal. */
export type Decision = readonly CareEpisodeEvent[] | DomainError;

export type Handler<T extends CareEpisodeCommandType> = (
  command: CommandOf<T>,
  state: CareEpisodeState,
  settings: DepartmentSettings,
) => Decision;

/** The first refusal among checks evaluated lazily in order, so later checks may assume earlier ones. */
export const firstRefusal = (...checks: ReadonlyArray<() => Refusal>): Refusal => {
  for (const check of checks) {
    const refusal = check();
    if (refusal !== undefined) return refusal;
  }
  return undefined;
};
