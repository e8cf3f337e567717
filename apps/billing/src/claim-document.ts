/**
 * The claim as the revenue cycle submits it: a document shaped after the 837P (and the CMS-1500 it
 * replaces), rendered on request from billing's stored claim and, for the subscriber, the one narrow
 * read billing has of identifying data, `claim_subscriber` (docs/billing.md). The result is handed to
 * the caller and never stored, logged or published.
 */
import type { Sql } from 'postgres';
import type { ClaimLine } from '@careflow/domain';

export interface ClaimSubscriber {
  /** Loop 2010BA NM109; absent when the referral named none. */
  readonly memberId: string | undefined;
  readonly name: string;
  /** DMG02, CCYYMMDD. */
  readonly birthDate: string;
  /** DMG03: F, M or U. */
  readonly sex: 'F' | 'M' | 'U';
}

export interface ClaimServiceLine {
  /** LX01. */
  readonly lineNumber: number;
  /** SV101: HC qualifier, procedure code and up to four modifiers. */
  readonly procedure: { readonly qualifier: 'HC'; readonly code: string; readonly modifiers: readonly string[] };
  /** SV102, in cents. */
  readonly chargeCents: number;
  /** SV103/SV104: units. */
  readonly unitOfMeasure: 'UN';
  readonly units: number;
  /** SV107: pointers into the claim's diagnoses (1–12), at most four. */
  readonly diagnosisPointers: readonly number[];
  /** DTP*472, CCYYMMDD. */
  readonly serviceDate: string;
}

export interface ClaimDocument {
  readonly transaction: '837P';
  /** CLM01, the patient control number. */
  readonly claimId: string;
  /** CLM02, in cents. */
  readonly totalChargeCents: number;
  /** CLM05-3: 1 original, 7 replacement of a prior claim. */
  readonly frequencyCode: '1' | '7';
  /** REF*F8 on a replacement: the claim it replaces. */
  readonly originalReference: string | undefined;
  readonly payerId: string;
  readonly subscriber: ClaimSubscriber;
  /** HI: ABK for the principal diagnosis, ABF for the others; ICD-10-CM without its period. */
  readonly diagnoses: readonly { readonly qualifier: 'ABK' | 'ABF'; readonly code: string }[];
  readonly serviceLines: readonly ClaimServiceLine[];
  /** Lines of a delinquent certification (docs/clinical-rules.md §10): for the biller to review before submitting. */
  readonly flaggedLineNumbers: readonly number[];
}

/** Raised when the claim or its episode's referral is not there; names the claim id only. */
export class ClaimNotFoundError extends Error {
  override readonly name = 'ClaimNotFoundError';
}

const compactDate = (isoDate: string): string => isoDate.replaceAll('-', '');

const sexCode = (sex: string): ClaimSubscriber['sex'] => (sex === 'female' ? 'F' : sex === 'male' ? 'M' : 'U');

/** Renders one stored claim version as an 837P-shaped document, the subscriber read at this moment. */
export const renderClaimDocument = async (sql: Sql, claimId: string): Promise<ClaimDocument> => {
  const [claim] = await sql<
    {
      episode_id: string;
      payer_id: string;
      frequency_code: '1' | '7';
      replaces_claim_id: string | null;
      diagnosis_codes: string[];
      lines: ClaimLine[];
      total_charge_cents: number;
    }[]
  >`
    SELECT episode_id, payer_id, frequency_code, replaces_claim_id, array_to_json(diagnosis_codes) AS diagnosis_codes, lines, total_charge_cents::int AS total_charge_cents
    FROM billing_claims WHERE claim_id = ${claimId}`;
  if (!claim) throw new ClaimNotFoundError(`There is no claim ${claimId}.`);
  const [subscriber] = await sql<{ member_id: string | null; name: string; birth_date: string; sex: string }[]>`
    SELECT member_id, name, birth_date, sex FROM claim_subscriber(${claim.episode_id})`;
  if (!subscriber) throw new ClaimNotFoundError(`The referral of claim ${claimId} is not in the event store.`);
  const serviceLines = claim.lines.map((line, index) => ({
    lineNumber: index + 1,
    procedure: { qualifier: 'HC' as const, code: line.code, modifiers: line.modifiers },
    chargeCents: line.chargeCents,
    unitOfMeasure: 'UN' as const,
    units: line.units,
    diagnosisPointers: line.diagnosisPointers,
    serviceDate: compactDate(line.serviceDate),
  }));
  return {
    transaction: '837P',
    claimId,
    totalChargeCents: claim.total_charge_cents,
    frequencyCode: claim.frequency_code,
    originalReference: claim.replaces_claim_id ?? undefined,
    payerId: claim.payer_id,
    subscriber: {
      memberId: subscriber.member_id ?? undefined,
      name: subscriber.name,
      birthDate: compactDate(subscriber.birth_date),
      sex: sexCode(subscriber.sex),
    },
    diagnoses: claim.diagnosis_codes.map((code, index) => ({ qualifier: index === 0 ? 'ABK' : 'ABF', code: code.replace('.', '') })),
    serviceLines,
    flaggedLineNumbers: claim.lines.flatMap((line, index) => (line.certificationDelinquent ? [index + 1] : [])),
  };
};
