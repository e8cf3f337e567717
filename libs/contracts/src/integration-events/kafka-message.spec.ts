import {
  episodeEventMessage,
  IntegrationEventMismatchError,
  readEpisodeEventMessage,
  UnreadableEpisodeEventError,
  type OutboxEntry,
} from './kafka-message';
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
    expect(build).toThrow(/SessionRecorded v1 .* does not match its schema: patientFeedback is not published\./);
    expect(build).not.toThrow(/Zebulon/);
  });

  it('given a nested field its schema does not publish, when built, then it is refused with its path', () => {
    const [line] = sessionRecorded.type === 'SessionRecorded' ? sessionRecorded.data.lines : [];
    // Malformed on purpose: a free-text note slipped into a session line.
    const leaking = {
      ...sessionRecorded,
      data: { ...sessionRecorded.data, lines: [{ ...line, note: 'Zebulon' }] },
    } as unknown as IntegrationEvent;

    expect(() => episodeEventMessage(entry(), leaking)).toThrow(/lines\[0\]\.note is not published/);
  });

  it('given data that breaks its schema, when built, then the message names the field', () => {
    const broken = { ...sessionRecorded, data: { ...sessionRecorded.data, visitNumber: -1 } } as unknown as IntegrationEvent;

    expect(() => episodeEventMessage(entry(), broken)).toThrow(/visitNumber is not as published/);
  });
});

describe('readEpisodeEventMessage (consumers)', () => {
  const published = episodeEventMessage(entry(), sessionRecorded);
  const received = (overrides: { value?: string; headers?: Record<string, string> } = {}) => ({
    value: Buffer.from(overrides.value ?? published.value),
    headers: Object.fromEntries(Object.entries(overrides.headers ?? published.headers).map(([name, value]) => [name, Buffer.from(value)])),
  });

  it('given a published message, when read, then the consumer gets the event id, type, version and data', () => {
    expect(readEpisodeEventMessage(received())).toEqual({
      eventId: '0190a4c6-0000-7000-8000-000000000001',
      type: 'SessionRecorded',
      version: 1,
      data: sessionRecorded.data,
    });
  });

  it('given a message from a newer revision with a field this consumer does not know, when read, then the field is dropped and the rest read', () => {
    const value = JSON.stringify({ ...JSON.parse(published.value), minutesTravelled: 12 });

    expect(readEpisodeEventMessage(received({ value })).data).toEqual(sessionRecorded.data);
  });

  it('given a message without its type header, of an unknown version, not JSON or not matching its schema, when read, then it is unreadable and the reason shows no value', () => {
    const { ce_type: _type, ...withoutType } = published.headers;
    const read = (overrides: Parameters<typeof received>[0]) => () => readEpisodeEventMessage(received(overrides));

    expect(read({ headers: withoutType })).toThrow(new UnreadableEpisodeEventError('The message has no ce_type header.'));
    expect(read({ headers: { ...published.headers, careflow_schema_version: '9' } })).toThrow(
      /no published schema for its type and version/,
    );
    expect(read({ value: 'Zebulon' })).toThrow(
      new UnreadableEpisodeEventError('Event 0190a4c6-0000-7000-8000-000000000001: the value is not JSON.'),
    );
    const badDate = JSON.stringify({ ...JSON.parse(published.value), date: 'Zebulon' });
    expect(read({ value: badDate })).toThrow(/does not match its schema at: date\./);
    expect(read({ value: badDate })).not.toThrow(/Zebulon/);
  });
});
