import type { Sql } from 'postgres';
import type { CareEpisodeEvent } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import type { OutboxMessage } from '@careflow/event-store';
import { patientKeyring } from '@careflow/messaging';
import { createEpisodeMessages } from './episode-messages';

const keyring = patientKeyring(new Map([['facility-a', Buffer.alloc(32, 9)]]));
const mrn = 'MRN-RELAY-CANARY-4411';
const events = f.replay([
  f.receiveReferral({ referral: f.referral({ patient: { ...f.referral().patient, mrn } }) }),
  f.routeReferral(),
  f.acceptOffer(),
]).events as CareEpisodeEvent[];

const rowOf = (episodeId: string, event: CareEpisodeEvent, index: number, departmentId?: string): OutboxMessage => ({
  position: { txId: '1', globalPosition: index + 1 },
  topic: 'careflow.episode-events.v1',
  key: episodeId,
  source: 'careflow/worker',
  headers: { ce_id: `event-${index}`, ce_subject: episodeId },
  event: {
    globalPosition: index + 1,
    txId: '1',
    streamId: episodeId,
    streamVersion: index + 1,
    eventId: `event-${index}`,
    type: event.type,
    schemaVersion: 1,
    data: JSON.parse(JSON.stringify(event)),
    metadata: {
      actor: 'user-1',
      correlationId: 'c-1',
      occurredAt: event.occurredAt,
      recordedAt: event.occurredAt,
      ...(departmentId === undefined ? {} : { departmentId }),
    },
  },
});

/** The referral lookup answers with the MRN of the episodes it knows. */
const fakeSql = (mrns: Record<string, string>): Sql =>
  (async () => Object.entries(mrns).map(([stream_id, value]) => ({ stream_id, mrn: value }))) as unknown as Sql;

describe('outbox rows to Kafka messages', () => {
  it('given an episode with its referral, when mapped, then each event is published with the facility’s patient key and no MRN anywhere', async () => {
    const messages = await createEpisodeMessages(fakeSql({ 'episode-1': mrn }), keyring, 'facility-a').messagesOf(
      events.map((event, index) => rowOf('episode-1', event, index)),
    );

    expect(messages.map((m) => m.kind)).toEqual(events.map(() => 'publish'));
    for (const message of messages) {
      if (message.kind !== 'publish') throw new Error('expected a message to publish');
      expect(message.message.key).toBe('episode-1');
      expect(JSON.parse(message.message.value)).toMatchObject({ patientKey: keyring('facility-a', mrn) });
      expect(JSON.stringify(message)).not.toContain(mrn);
    }
  });

  it('given events stored with their department, when mapped, then each integration event names the department; events stored without one name none', async () => {
    const mapper = createEpisodeMessages(fakeSql({ 'episode-4': mrn }), keyring, 'facility-a');
    const [withDepartment, withoutDepartment] = await mapper.messagesOf([
      rowOf('episode-4', events[0] as CareEpisodeEvent, 0, 'dept-7'),
      rowOf('episode-4', events[1] as CareEpisodeEvent, 1),
    ]);

    if (withDepartment?.kind !== 'publish' || withoutDepartment?.kind !== 'publish') throw new Error('expected messages to publish');
    expect(JSON.parse(withDepartment.message.value)).toMatchObject({ departmentId: 'dept-7' });
    expect(JSON.parse(withoutDepartment.message.value)).not.toHaveProperty('departmentId');
  });

  it('given an episode whose referral is not in the store, when mapped, then the row is unpublishable with a reason and its headers, never its data', async () => {
    const [message] = await createEpisodeMessages(fakeSql({}), keyring, 'facility-a').messagesOf([
      rowOf('episode-2', events[0] as CareEpisodeEvent, 0),
    ]);

    expect(message).toEqual({
      kind: 'unpublishable',
      topic: 'careflow.episode-events.v1',
      headers: { ce_id: 'event-0', ce_subject: 'episode-2' },
      reason: 'the episode has no referral with a patient record, so no patient key',
    });
  });

  it('given a stored event that is not a care-episode event, when mapped, then it is unpublishable and the reason echoes none of its data', async () => {
    const row = rowOf('episode-3', events[1] as CareEpisodeEvent, 0);
    const odd = { ...row, event: { ...row.event, type: 'NotAnEvent', data: { type: 'NotAnEvent', note: mrn } } };
    const [message] = await createEpisodeMessages(fakeSql({ 'episode-3': mrn }), keyring, 'facility-a').messagesOf([odd]);

    expect(message?.kind).toBe('unpublishable');
    expect(JSON.stringify(message)).not.toContain(mrn);
  });
});
