/**
 * Test code only (`@careflow/fhir/testing`): episode histories and inbound referrals for FHIR specs, and
 * a client of the local stack's HAPI FHIR validator service.
 */
export * from './src/testing/episodes';
export * from './src/testing/referrals';
export * from './src/testing/validator';
