import fc from 'fast-check';
import {
  careEpisodeEventTypes,
  decide,
  defaultDepartmentSettings,
  DomainError,
  evolve,
  initialState,
  type CareEpisodeEvent,
} from '@careflow/domain';
import { replay } from '@careflow/domain/testing';
import { episodeEventMessage, type KafkaMessage } from './kafka-message';
import { publishedDataProblems } from './schemas';
import { toIntegrationEvent } from './to-integration-event';
import { canaries, canaryReferral, freeText, sampleOfEachEvent } from './testing/canaries';
import { wholeEpisode } from './testing/whole-episode';

const patientKey = 'a'.repeat(64);
const episodeId = 'episode-canary';

/** The outbox entry the relay would read for the `index`th event of the episode. */
const messageOf = (event: CareEpisodeEvent, index: number): KafkaMessage =>
  episodeEventMessage(
    {
      key: episodeId,
      source: 'careflow/worker',
      event: {
        eventId: `event-${index}`,
        streamId: episodeId,
        streamVersion: index + 1,
        globalPosition: 1000 + index,
        type: event.type,
        metadata: { occurredAt: event.occurredAt },
      },
    },
    toIntegrationEvent(event, { episodeId, patientKey }),
  );

/** Every byte a consumer could see: key, value and each header's name and value. */
const bytesOf = (message: KafkaMessage): string => [message.key, message.value, ...Object.entries(message.headers).flat()].join('\n');

const leaksOf = (messages: readonly KafkaMessage[], forbidden: readonly string[]): string[] => {
  const everything = messages.map(bytesOf).join('\n').toLowerCase();
  return forbidden.filter((canary) => everything.includes(canary.toLowerCase()));
};

describe('integration events', () => {
  it('given one domain event of every type with canaries in every identity and free-text field, when mapped to Kafka messages, then none of the canaries is anywhere', () => {
    const messages = careEpisodeEventTypes.map((type, index) => messageOf(sampleOfEachEvent[type], index));

    expect(messages).toHaveLength(careEpisodeEventTypes.length);
    expect(leaksOf(messages, canaries)).toEqual([]);
  });

  it('given the canary check, when a free text did reach a message, then it reports the leak (the check can fail)', () => {
    const leaked = { key: episodeId, value: JSON.stringify({ narrative: freeText('narrative') }), headers: {} };

    expect(leaksOf([leaked], canaries)).toContain('FREETEXT-CNRY');
  });

  it('given a whole episode decided by the domain for a canary patient, when its events are published, then no key, value or header holds the name, MRN, birth date, member id or any free text', () => {
    const { events } = replay(wholeEpisode({ referral: canaryReferral(), text: freeText }));
    const messages = events.map(messageOf);

    expect([...new Set(events.map((event) => event.type))]).toEqual(
      expect.arrayContaining([
        'ReferralReceived',
        'IntakeRecorded',
        'SessionRecorded',
        'SessionPaused',
        'AddendumAdded',
        'EpisodeDischarged',
      ]),
    );
    expect(leaksOf(messages, canaries)).toEqual([]);
  });

  it('given one domain event of every type, when mapped, then the data is exactly what the current schema of its type publishes', () => {
    for (const type of careEpisodeEventTypes) {
      const integrationEvent = toIntegrationEvent(sampleOfEachEvent[type], { episodeId, patientKey });
      expect({ type, problems: publishedDataProblems(type, integrationEvent.version, integrationEvent.data) }).toEqual({
        type,
        problems: [],
      });
      expect(integrationEvent).toMatchObject({ type, data: { episodeId, patientKey, occurredAt: sampleOfEachEvent[type].occurredAt } });
    }
  });

  it('given a session, when mapped, then billing gets minutes, codes, regions and standing, and only the count of adverse events', () => {
    const { data } = toIntegrationEvent(sampleOfEachEvent.SessionRecorded, { episodeId, patientKey });

    expect(data).toEqual({
      episodeId,
      patientKey,
      occurredAt: '2025-03-10T10:00:00.000Z',
      actor: { userId: 'user-therapist-1', role: 'therapist' },
      sessionId: 's-1',
      date: '2025-03-07',
      therapistId: 't-1',
      lines: [{ code: '97140', minutes: 30, bodyRegions: ['lower-back'] }],
      techniques: ['myofascial-release'],
      pressure: [{ bodyRegion: 'lower-back', pressure: 'moderate', technique: 'myofascial-release' }],
      painBefore: 6,
      painAfter: 4,
      adverseEventCount: 1,
      selfPay: false,
      visitNumber: 1,
      newTreatmentDay: true,
      treatmentDaysInPeriod: 2,
      certificationStanding: 'certified',
    });
  });

  it('given a referral, when mapped, then it carries the referral id, codes, dates, payer id and the referrer NPI, never the patient or member id', () => {
    const { data } = toIntegrationEvent(sampleOfEachEvent.ReferralReceived, { episodeId, patientKey });

    expect(data).toEqual({
      episodeId,
      patientKey,
      occurredAt: '2025-03-10T10:00:00.000Z',
      actor: { userId: 'user-therapist-1', role: 'therapist' },
      referralId: 'referral-canary',
      diagnosisCodes: ['M54.50', 'G89.29'],
      referralDate: '2025-03-01',
      validThrough: '2025-05-30',
      referringProviderNpi: '1234567893',
      payerId: 'payer-1',
      bodyRegions: ['lower-back'],
      authorization: { visits: 12, endDate: '2025-06-30' },
      priority: 'urgent',
      cancerHistory: false,
    });
  });

  describe('properties', () => {
    // Upper-case letters only: no id, code, date or key of the episode can contain such a run by chance.
    const canaryText = fc.stringMatching(/^[A-Z]{16}$/);

    it('for any patient identity and any free texts, the events the domain decides map to messages that validate and contain none of them', () => {
      fc.assert(
        fc.property(
          fc.record({ name: canaryText, mrn: canaryText, memberId: canaryText, typed: canaryText }),
          ({ name, mrn, memberId, typed }) => {
            const text = (field: string): string => `${typed} ${field}`;
            const referral = canaryReferral({
              patient: { ...canaryReferral().patient, name, mrn },
              payer: { payerId: 'payer-1', memberId },
              orderedService: text('orderedService'),
              precautions: [text('precautions')],
            });
            const { events } = replay(wholeEpisode({ referral, text }));
            const messages = events.map(messageOf);

            expect(leaksOf(messages, [name, mrn, memberId, typed])).toEqual([]);
          },
        ),
        { numRuns: 25 },
      );
    });

    it('for any subsequence of an episode’s commands the domain accepts, mapping never throws and always validates', () => {
      const script = wholeEpisode({ referral: canaryReferral(), text: freeText });
      fc.assert(
        fc.property(fc.subarray(script), (commands) => {
          const events: CareEpisodeEvent[] = [];
          let state = initialState;
          for (const command of commands) {
            const decided = decide(command, state, defaultDepartmentSettings);
            if (decided instanceof DomainError) continue;
            events.push(...decided);
            state = decided.reduce(evolve, state);
          }
          events.forEach((event, index) => {
            const integrationEvent = toIntegrationEvent(event, { episodeId, patientKey });
            expect(publishedDataProblems(event.type, integrationEvent.version, integrationEvent.data)).toEqual([]);
            expect(() => messageOf(event, index)).not.toThrow();
          });
        }),
        { numRuns: 40 },
      );
    });
  });
});
