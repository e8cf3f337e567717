import { toIntegrationEvent } from '@careflow/contracts';
import { medicareLikePayerSettings, type CareEpisodeCommand, type PayerSettings } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import type { ConsumedEpisodeEvent } from '@careflow/messaging';
import { chargeKey, emptyLedger, foldBillingEvent, yearKey, type Ledger } from './fold';

const patientKey = 'a'.repeat(64);

const eventsOf = (episodeId: string, commands: CareEpisodeCommand[]): ConsumedEpisodeEvent[] =>
  f.replay(commands).events.map((event, index) => ({
    eventId: `${episodeId}-${index}`,
    ...toIntegrationEvent(event, { episodeId, patientKey }),
  })) as ConsumedEpisodeEvent[];

const ledgerFor = (payer: PayerSettings = medicareLikePayerSettings): Ledger =>
  emptyLedger({
    payers: new Map([['payer-1', payer]]),
    providerTypes: new Map([['t-1', 'physical-therapist']]),
    yearsToDate: new Map([
      [
        yearKey(patientKey, 'payer-1', 2025),
        {
          patientKey,
          payerId: 'payer-1',
          year: 2025,
          chargesCents: 0,
          kxCrossed: false,
          kxCrossedEpisodeId: undefined,
          kxCrossedOn: undefined,
          reviewCrossed: false,
          reviewCrossedEpisodeId: undefined,
          reviewCrossedOn: undefined,
        },
      ],
    ]),
  });

const fold = (ledger: Ledger, events: readonly ConsumedEpisodeEvent[]): Ledger => {
  for (const event of events) foldBillingEvent(ledger, event);
  return ledger;
};

const signed = (sessionId: string, date: string): CareEpisodeCommand[] => [
  f.recordSession(sessionId, date),
  f.signNote(sessionId, f.at(date, '20:00')),
];

const messageTypes = (ledger: Ledger) => ledger.changed.messages.map((message) => message.headers['ce_id']);

describe('billing fold', () => {
  it('given a session with a continuation, signed, then its day has one charge set whose version counts each change, with a message per version', () => {
    const ledger = fold(
      ledgerFor(),
      eventsOf('e-1', [
        ...f.certified(),
        f.recordSession('s-1', '2025-03-07'),
        f.pauseSession('s-1', f.at('2025-03-07', '17:30')),
        f.resumeSession('s-1', f.at('2025-03-07', '17:45')),
        f.signNote('s-1', f.at('2025-03-07', '20:00')),
      ]),
    );
    expect(ledger.charges.get(chargeKey('e-1', '2025-03-07'))).toMatchObject({
      version: 3,
      billedUnits: 3,
      amountCents: 8_511,
      notesSigned: true,
    });
    expect(messageTypes(ledger)).toEqual([
      'charges:e-1:2025-03-05:1',
      'charges:e-1:2025-03-07:1',
      'charges:e-1:2025-03-07:2',
      'charges:e-1:2025-03-07:3',
    ]);
    expect(ledger.yearsToDate.get(yearKey(patientKey, 'payer-1', 2025))?.chargesCents).toBe(10_212 + 8_511);
  });

  it('given a session recorded again (replayed outside the framework), then nothing changes', () => {
    const events = eventsOf('e-1', [...f.certified(), f.recordSession('s-1', '2025-03-07')]);
    const ledger = fold(ledgerFor(), [...events, ...events.filter((event) => event.type === 'SessionRecorded')]);
    expect(ledger.charges.get(chargeKey('e-1', '2025-03-07'))?.version).toBe(1);
    expect(ledger.yearsToDate.get(yearKey(patientKey, 'payer-1', 2025))?.chargesCents).toBe(10_212 + 5_674);
  });

  it('given a session before the plan is certified, then the day is held until a timely certification, then charged again', () => {
    const ledger = fold(
      ledgerFor(),
      eventsOf('e-1', [...f.planned(), f.recordSession('s-1', '2025-03-06'), f.certify({ at: f.at('2025-03-06', '18:00') })]),
    );
    const day = ledger.charges.get(chargeKey('e-1', '2025-03-06'));
    expect(day).toMatchObject({ version: 2, held: false, certificationStanding: 'certified' });
    expect(messageTypes(ledger)).toContain('charges:e-1:2025-03-06:1');
  });

  it('given a discharge, then an original claim of the days; an addendum after it, then a corrected charge set and a replacement claim', () => {
    const ledger = fold(
      ledgerFor(),
      eventsOf('e-1', [
        ...f.certified(),
        ...signed('s-1', '2025-03-07'),
        ...signed('s-2', '2025-03-08'),
        f.discharge('2025-03-20'),
        {
          type: 'AddAddendum',
          at: f.at('2025-03-21'),
          actor: f.therapist,
          sessionId: 's-1',
          addendumId: 'a-1',
          text: 'it was 45 minutes',
          correctedLines: [{ code: '97140', minutes: 45, bodyRegions: ['lower-back'] }],
        },
      ]),
    );
    expect(
      ledger.changed.claims.map(({ claim }) => [claim.claimId, claim.frequencyCode, claim.replacesClaimId, claim.totalChargeCents]),
    ).toEqual([
      ['e-1-1', '1', undefined, 10_212 + 5_674 + 5_674],
      ['e-1-2', '7', 'e-1-1', 10_212 + 8_511 + 5_674],
    ]);
    expect(ledger.claims.get('e-1')).toMatchObject({ claimId: 'e-1-2', originalClaimId: 'e-1-1', version: 2 });
    expect(messageTypes(ledger).slice(-3)).toEqual(['claim:e-1-1', 'charges:e-1:2025-03-07:3', 'claim:e-1-2']);
  });

  it('given an addendum that changes nothing billed after the claim, then no replacement', () => {
    const ledger = fold(
      ledgerFor(),
      eventsOf('e-1', [
        ...f.certified(),
        ...signed('s-1', '2025-03-07'),
        f.discharge('2025-03-20'),
        { type: 'AddAddendum', at: f.at('2025-03-21'), actor: f.therapist, sessionId: 's-1', addendumId: 'a-1', text: 'spelling' },
      ]),
    );
    expect(ledger.changed.claims).toHaveLength(1);
  });

  it('given two episodes of one patient in one run, then the second prices its days after the first and crosses KX', () => {
    const payer = {
      ...medicareLikePayerSettings,
      therapyThresholds: { kxThresholdCentsByYear: { 2025: 20_000 }, medicalReviewThresholdCents: 40_000 },
    };
    const ledger = fold(ledgerFor(payer), [
      ...eventsOf('e-1', [...f.certified(), ...signed('s-1', '2025-03-07')]),
      ...eventsOf('e-2', [...f.certified(), ...signed('s-1', '2025-03-07')]).filter((event) => event.type !== 'AssessmentRecorded'),
    ]);
    // e-1: 10,212 + 5,674 = 15,886; e-2's session: 21,560 > 20,000.
    expect(ledger.charges.get(chargeKey('e-2', '2025-03-07'))).toMatchObject({ yearToDateBeforeCents: 15_886, kxCrossed: true });
    expect(ledger.yearsToDate.get(yearKey(patientKey, 'payer-1', 2025))).toMatchObject({
      chargesCents: 21_560,
      kxCrossed: true,
      kxCrossedEpisodeId: 'e-2',
      kxCrossedOn: '2025-03-07',
    });
  });

  it('given a session of an episode billing never saw the referral of, then it refuses, naming the episode', () => {
    const [session] = eventsOf('e-1', [...f.certified(), f.recordSession('s-1', '2025-03-07')]).filter(
      (event) => event.type === 'SessionRecorded',
    );
    expect(() => fold(ledgerFor(), session ? [session] : [])).toThrow(/Episode e-1 has no referral in billing/);
  });
});
