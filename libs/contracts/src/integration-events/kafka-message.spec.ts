import { episodeEventMessage, IntegrationEventMismatchError, type OutboxEntry } from './kafka-message';
import type { IntegrationEvent } from './schemas';
import { toIntegrationEvent } from './to-integration-event';
import { sampleOfEachEvent } from './testing/canaries';

const episodeId = 'episode-42';
const patientKey = 'b'.repeat(64);
const sessionRecorded = toIntegrationEvent(sampleOfEachEvent.SessionRecorded, { episodeId, patientKey });

const entry = (overrides: Partial<OutboxEntry['event']> = {}): OutboxEntry => ({
  key: episodeId,
  source: 'careflow/worker',
  event: {
    eventId: '0190a4c6-0000-7000-8000-000000000001',
    streamId: episodeId,
    streamVersion: 7,
    globalPosition: 1234,
    type: 'SessionRecorded',
    metadata: { occurredAt: '2025-03-07T17:00:00.000Z' },
    ...overrides,
  },
});

describe('episodeEventMessage (CloudEvents Kafka binding, binary mode)', () => {
  it('given an outbox entry and its integration event, when built, then the key is the episode id, the value the data and the attributes ce_ headers', () => {
    const message = episodeEventMessage(entry(), sessionRecorded);

    expect(message.key).toBe(episodeId);
    expect(JSON.parse(message.value)).toEqual(sessionRecorded.data);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: '0190a4c6-0000-7000-8000-000000000001',
      ce_type: 'SessionRecorded',
      ce_source: 'careflow/worker',
      ce_subject: episodeId,
      ce_time: '2025-03-07T17:00:00.000Z',
      ce_dataschema: 'urn:careflow:integration-event:SessionRecorded:v1',
      careflow_schema_version: '1',
      careflow_stream_version: '7',
      careflow_global_position: '1234',
      'content-type': 'application/json',
    });
  });

  it('given an integration event of another episode or type than its outbox row, when built, then it is refused as a bug', () => {
    expect(() => episodeEventMessage(entry({ streamId: 'episode-other' }), sessionRecorded)).toThrow(IntegrationEventMismatchError);
    expect(() => episodeEventMessage(entry({ type: 'NoteSigned' }), sessionRecorded)).toThrow(IntegrationEventMismatchError);
  });

  it('given data with a field its schema does not publish, when built, then it is refused, naming the place but not the value', () => {
    // Malformed on purpose: what a mapping bug would hand over.
    const leaking = {
      ...sessionRecorded,
      data: { ...sessionRecorded.data, patientFeedback: 'Zebulon says hello' },
    } as unknown as IntegrationEvent;

    const build = () => episodeEventMessage(entry(), leaking);

    expect(build).toThrow(IntegrationEventMismatchError);
    expect(build).toThrow(/SessionRecorded v1 .* does not match its schema/);
    expect(build).not.toThrow(/Zebulon/);
  });

  it('given data that breaks its schema, when built, then the message names the field', () => {
    const broken = { ...sessionRecorded, data: { ...sessionRecorded.data, visitNumber: -1 } } as unknown as IntegrationEvent;

    expect(() => episodeEventMessage(entry(), broken)).toThrow(/at: visitNumber\./);
  });
});
