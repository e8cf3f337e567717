/** FHIR R4 mapping of care episodes (docs/fhir.md): referrals in, an episode's Bundle out. Pure: no IO. */
export { referralFromFhir, type FhirProblem, type ReferralFromFhir } from './referral-in';
export { episodeBundle, type ChargeItemInput, type EpisodeBundleInput } from './episode-bundle';
export { careflow as careflowSystems, loincOfMeasure, systems as fhirSystems } from './systems';
