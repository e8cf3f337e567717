import { IntegrationEventMismatchError } from '../integration-events/kafka-message';
import { billingEventMessage, type BillingEvent } from './message';
import type { ClaimIssued } from './schemas';
import { sampleChargeSet as charges, sampleClaim as claim } from './testing';

describe('billing messages on careflow.billing-charges.v1', () => {
  it('given a charge set, when sent, then key = episode, CloudEvents headers and an id naming the day and version', () => {
    const message = billingEventMessage({ type: 'ChargeSetChanged', data: charges }, '2025-03-07T20:00:00.000Z');
    expect(message.key).toBe('episode-1');
    expect(JSON.parse(message.value)).toEqual(charges);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: 'charges:episode-1:2025-03-07:2',
      ce_type: 'ChargeSetChanged',
      ce_source: 'careflow/billing',
      ce_subject: 'episode-1',
      ce_time: '2025-03-07T20:00:00.000Z',
      ce_dataschema: 'urn:careflow:billing-event:ChargeSetChanged:v1',
      careflow_schema_version: '1',
      'content-type': 'application/json',
    });
  });

  it('given the same claim version built twice, then both messages have the same id (the revenue cycle dedupes by it)', () => {
    const first = billingEventMessage({ type: 'ClaimIssued', data: claim }, '2025-03-21T10:00:00.000Z');
    const again = billingEventMessage({ type: 'ClaimIssued', data: claim }, '2025-03-21T10:00:00.000Z');
    expect(first.headers['ce_id']).toBe('claim:episode-1-2');
    expect(again).toEqual(first);
  });

  it('given a field no schema publishes (a member id), when sent, then it is refused and the message names the field, not its value', () => {
    const leaking = { type: 'ClaimIssued', data: { ...claim, memberId: 'MBR-SECRET' } } as unknown as BillingEvent;
    expect(() => billingEventMessage(leaking, '2025-03-21T10:00:00.000Z')).toThrow(IntegrationEventMismatchError);
    expect(() => billingEventMessage(leaking, '2025-03-21T10:00:00.000Z')).toThrow(/memberId/);
    expect(() => billingEventMessage(leaking, '2025-03-21T10:00:00.000Z')).not.toThrow(/MBR-SECRET/);
  });

  it('given a PHI canary in a field no schema publishes, at any depth, when sent, then it is refused naming the field and never the value', () => {
    const canary = 'CANARY Jane Q. Patient MRN-000123';
    const leaks: Array<[BillingEvent, string]> = [
      [{ type: 'ChargeSetChanged', data: { ...charges, patientName: canary } } as unknown as BillingEvent, 'patientName'],
      [
        { type: 'ChargeSetChanged', data: { ...charges, lines: [{ ...charges.lines[0], note: canary }] } } as unknown as BillingEvent,
        'lines[0].note',
      ],
      [
        {
          type: 'ClaimIssued',
          data: { ...claim, lines: [{ ...claim.lines[0], modifiers: [{ mrn: canary }] }] },
        } as unknown as BillingEvent,
        'lines[0].modifiers[0]',
      ],
    ];
    for (const [leaking, field] of leaks) {
      let refusal: unknown;
      try {
        billingEventMessage(leaking, '2025-03-21T10:00:00.000Z');
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(IntegrationEventMismatchError);
      expect((refusal as Error).message).toContain(field);
      expect((refusal as Error).message).not.toContain('CANARY');
      expect((refusal as Error).message).not.toContain('MRN-000123');
    }
  });

  it('given a claim line with five diagnosis pointers or thirteen diagnoses, when sent, then it is refused', () => {
    const fivePointers = { ...claim, lines: [{ ...claim.lines[0], diagnosisPointers: [1, 2, 3, 4, 5] }] } as ClaimIssued;
    const thirteen = { ...claim, diagnosisCodes: Array.from({ length: 13 }, (_, index) => `M${40 + index}.9`) };
    expect(() => billingEventMessage({ type: 'ClaimIssued', data: fivePointers }, '2025-03-21T10:00:00.000Z')).toThrow(/diagnosisPointers/);
    expect(() => billingEventMessage({ type: 'ClaimIssued', data: thirteen }, '2025-03-21T10:00:00.000Z')).toThrow(/diagnosisCodes/);
  });
});
