/**
 * Episode histories for the FHIR specs (test code only): the domain's own fixtures decided by the
 * domain's own `decide`, so the events are exactly what the event store would hold.
 */
import type { CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import type { ChargeItemInput } from '../episode-bundle';

const eventsOf = (commands: Parameters<typeof f.replay>[0]): readonly CareEpisodeEvent[] => f.replay(commands).events;

/** Just received: not yet routed. */
export const receivedEpisode = (): readonly CareEpisodeEvent[] => eventsOf([f.receiveReferral()]);

/** Declined by the department. */
export const declinedEpisode = (): readonly CareEpisodeEvent[] =>
  eventsOf([f.receiveReferral(), { type: 'DeclineReferral', at: f.at('2025-03-03'), actor: f.lead, reason: 'service not offered' }]);

/** Referral to discharge: certified plan, signed sessions (one paused and resumed), a cancelled visit, a progress report, goals met. */
export const dischargedEpisode = (): readonly CareEpisodeEvent[] =>
  eventsOf([
    ...f.certified(),
    f.recordSession('s-1', '2025-03-07', { adverseEvents: ['mild soreness next day'] }),
    f.signNote('s-1', f.at('2025-03-07', '18:00')),
    f.recordSession('s-2', '2025-03-10', { techniques: ['swedish', 'myofascial-release'] }),
    f.signNote('s-2', f.at('2025-03-10', '18:00')),
    { type: 'CancelSession', at: f.at('2025-03-12'), actor: f.scheduler, sessionId: 's-3', date: '2025-03-12', cancelledBy: 'patient' },
    f.recordSession('s-4', '2025-03-14'),
    f.signNote('s-4', f.at('2025-03-14', '17:30')),
    f.progressReport('r-1', '2025-03-14'),
    f.recordSession('s-5', '2025-03-17'),
    f.pauseSession('s-5', f.at('2025-03-17', '17:30')),
    f.resumeSession('s-5', f.at('2025-03-17', '17:45')),
    f.signNote('s-5', f.at('2025-03-17', '18:30')),
    f.discharge('2025-03-20'),
  ]);

/** In care and on hold, with a re-evaluation on the record. */
export const onHoldEpisode = (): readonly CareEpisodeEvent[] =>
  eventsOf([
    ...f.certified(),
    f.recordSession('s-1', '2025-03-07'),
    {
      type: 'RecordReevaluation',
      at: f.at('2025-03-08'),
      actor: f.therapist,
      reevaluationId: 'rev-1',
      reevaluatedOn: '2025-03-08',
      reason: 'significant-change',
      findings: 'new radiating pain',
      measures: [{ measure: 'NPRS', value: 6 }],
      billAsReevaluation: true,
    },
    f.placeOnHold(f.at('2025-03-09')),
  ]);

/** What billing would keep for the discharged episode's first two session days. */
export const dischargedCharges: readonly ChargeItemInput[] = [
  { serviceDate: '2025-03-05', code: '97162', units: 1, amountCents: 12_000, status: 'billed' },
  { serviceDate: '2025-03-07', code: '97140', units: 2, amountCents: 8_400, status: 'billed' },
  { serviceDate: '2025-03-10', code: '97140', units: 2, amountCents: 8_400, status: 'billable' },
];
