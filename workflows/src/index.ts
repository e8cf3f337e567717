export { careEpisode } from './care-episode.workflow';
