import { randomUUID } from 'node:crypto';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { pollUntil } from '@careflow/event-store/testing';
import { episodeIdForReferral } from '@careflow/temporal';
import { type ApiHarness, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';
import { requireEnv, uniqueSuffix } from '../support/env';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('careflow.referrals.v1: referrals from interface engines', () => {
  const kafka = new Kafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'api-feed-test', logLevel: logLevel.NOTHING });
  const topic = `careflow.referrals.test-${uniqueSuffix()}`;
  const deadLetterTopic = `${topic}.dlq`;
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `api-feed-dlq-${uniqueSuffix()}` });
  const deadLetters: KafkaMessage[] = [];
  const department = `D-${randomUUID().slice(0, 8)}`;
  let api: ApiHarness;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [topic, deadLetterTopic].map((name) => ({ topic: name, numPartitions: 1, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        deadLetters.push(message);
      },
    });
    api = await startApiHarness({ referralTopic: topic });
  });
  afterAll(async () => {
    await api?.close();
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const send = (key: string, value: string) => producer.send({ topic, acks: -1, messages: [{ key, value }] });

  it('given a referral on the topic, then its episode is registered and started, audited as the interface engine', async () => {
    const order = referral(yesterday());
    await send(order.referralId, JSON.stringify({ departmentId: department, referral: order }));
    const episodeId = episodeIdForReferral(department, order.referralId);
    await pollUntil(
      () => api.owner`SELECT 1 FROM episodes WHERE episode_id = ${episodeId}`,
      (rows) => rows.length === 1,
      {
        what: 'the registered episode',
      },
    );
    await pollUntil(
      () => api.owner`SELECT 1 FROM events WHERE stream_id = ${episodeId}`,
      (rows) => rows.length > 0,
      {
        what: "the episode's first events",
      },
    );
    const [record] = await pollUntil(
      () => api.owner`SELECT * FROM audit_records WHERE resource_id = ${episodeId}`,
      (rows) => rows.length === 1,
      { what: 'the audit record' },
    );
    expect(record).toMatchObject({ user_id: 'interface-engine', user_role: 'ehr-feed', outcome: 'success', department_id: department });

    // Redelivered (or sent twice by the engine): the same episode, no second one.
    await send(order.referralId, JSON.stringify({ departmentId: department, referral: order }));
    await pollUntil(
      () => api.owner`SELECT outcome FROM audit_records WHERE resource_id = ${episodeId}`,
      (rows) => rows.length === 2,
      { what: 'the second audit record' },
    );
    const registered = await api.owner`SELECT 1 FROM episodes WHERE referral_id = ${order.referralId}`;
    expect(registered).toHaveLength(1);
  });

  it('given bad messages, then each goes to the dead-letter topic with its problem list and nothing is started', async () => {
    const order = referral(yesterday());
    const bad = { departmentId: department, referral: { ...order, referralDate: 'tomorrow-ish', patient: { ...order.patient, sex: 'x' } } };
    await send('bad-1', JSON.stringify(bad));
    await send('bad-2', `{"departmentId": "${order.patient.name}"`);
    const letters = await pollUntil(
      async () => deadLetters.filter((message) => ['bad-1', 'bad-2'].includes(message.key?.toString() ?? '')),
      (found) => found.length === 2,
      { what: 'both bad messages dead-lettered' },
    );
    const problems = letters.map((message) => JSON.parse(message.headers?.['careflow_problem']?.toString() ?? '{}'));
    expect(problems[0]).toMatchObject({ status: 400 });
    expect(problems[0].errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'referral.patient.sex',
      'referral.referralDate',
    ]);
    expect(problems[1]).toMatchObject({ status: 400, detail: 'The message is not JSON.' });
    for (const letter of letters) expect(letter.headers?.['careflow_problem']?.toString()).not.toContain(order.patient.name);
    const registered = await api.owner`SELECT 1 FROM episodes WHERE referral_id = ${order.referralId}`;
    expect(registered).toHaveLength(0);
  });
});
