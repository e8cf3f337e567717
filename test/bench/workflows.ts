/** Workflows the workflow benchmark's worker runs: the product's episode and its overhead floor. */
export { careEpisode } from '@careflow/workflows';
export { overheadFloor } from '../fixtures/workflows';
