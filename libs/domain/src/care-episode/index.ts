/**
 * The care episode as a decider (docs/architecture.md): `decide(command, state, settings)` → events | DomainError,
 * `evolve(state, event)` → state, `initialState`, and `dueDates(state, settings)` for the workflow's timers.
 */
export { decide, decideParsed, fold } from './decide';
export { evolve } from './evolve';
export { dueDates, type DueDate } from './due-dates';
export * from './process';
export { commandJsonSchemas, parseCommand, therapistProfileProblem } from './command-schemas';
export type { Decision } from './decision';
export * from './commands';
export * from './events';
export * from './records';
export * from './roles';
export {
  initialState,
  certificationStanding,
  authorizedVisitsUsed,
  isClosed,
  sessionsOf,
  type CareEpisodeState,
  type CertificationState,
  type ContraindicationState,
  type EpisodeStatus,
  type MissedVisit,
  type OfferRecord,
  type ProgressState,
  type RoutingState,
  type SessionVisit,
  type Visit,
} from './state';
