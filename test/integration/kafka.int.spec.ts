import { Kafka, logLevel } from 'kafkajs';
import { pollUntil } from '@careflow/event-store/testing';
import { requireEnv, uniqueSuffix } from '../support/env';

describe('Kafka through kafkajs', () => {
  const kafka = new Kafka({ brokers: requireEnv('KAFKA_BROKERS').split(','), clientId: 'foundation-test', logLevel: logLevel.NOTHING });
  const topic = `foundation.round-trip.${uniqueSuffix()}`;
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('delivers keyed messages to a consumer group with per-key order preserved', async () => {
    const keys = ['episode-a', 'episode-b', 'episode-c', 'episode-d'];
    const perKey = 25;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let sequence = 0; sequence < perKey; sequence++) {
      await producer.send({
        topic,
        acks: -1,
        messages: keys.map((key) => ({ key, value: JSON.stringify({ key, sequence }) })),
      });
    }
    await producer.disconnect();

    const received = new Map<string, number[]>(keys.map((key) => [key, []]));
    const consumer = kafka.consumer({ groupId: `foundation-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let total = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { key, sequence } = JSON.parse(message.value?.toString() ?? '{}') as { key: string; sequence: number };
        received.get(key)?.push(sequence);
        total += 1;
      },
    });
    await pollUntil(
      async () => total,
      (count) => count >= keys.length * perKey,
      {
        what: 'the consumer group receives every message',
        timeoutMs: 60_000,
      },
    );
    await consumer.disconnect();

    for (const key of keys) {
      expect(received.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    }
  });
});
