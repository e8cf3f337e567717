/**
 * A department's quarter in seconds (docs/simulation.md): `simulate(options)` runs the domain's
 * decider and process module for every episode on a virtual clock; `summarize(run)` reads the
 * figures a department lead plans with. Pure and seeded: the same options give the same run.
 */
export {
  simulate,
  type SimulationOptions,
  type SimulationRun,
  type SimulatedEpisode,
  type TraceEntry,
  type CaseloadSample,
} from './engine';
export { summarize, complianceFindings, simulatedPayers, type RunSummary, type ChargeTotal } from './summary';
export * from './plan';
export { seededRandom, type Random } from './random';
