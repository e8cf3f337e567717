/** Test code only: a billing message of each type, as billing publishes them. */
import type { ChargeSetChanged, ClaimIssued } from './schemas';

export const sampleChargeSet: ChargeSetChanged = {
  episodeId: 'episode-1',
  patientKey: 'a'.repeat(64),
  payerId: 'payer-1',
  serviceDate: '2025-03-07',
  version: 2,
  therapistId: 't-1',
  providerType: 'physical-therapist',
  lines: [
    {
      code: '97140',
      minutes: 30,
      units: 2,
      bodyRegions: ['lower-back'],
      diagnosisCodes: [],
      modifiers: ['GP'],
      billable: true,
      unitPriceCents: 2_837,
      amountCents: 5_674,
    },
  ],
  billedUnits: 2,
  amountCents: 5_674,
  yearToDateBeforeCents: 0,
  certificationStanding: 'certified',
  held: false,
  flagged: false,
  notesSigned: true,
  kxCrossed: false,
  reviewCrossed: false,
};

export const sampleClaim: ClaimIssued = {
  episodeId: 'episode-1',
  patientKey: 'a'.repeat(64),
  payerId: 'payer-1',
  claimId: 'episode-1-2',
  version: 2,
  frequencyCode: '7',
  replacesClaimId: 'episode-1-1',
  originalClaimId: 'episode-1-1',
  diagnosisCodes: ['M54.50'],
  lines: [
    {
      serviceDate: '2025-03-07',
      code: '97140',
      units: 2,
      modifiers: ['GP'],
      diagnosisPointers: [1],
      chargeCents: 5_674,
      certificationDelinquent: false,
    },
  ],
  totalChargeCents: 5_674,
};
