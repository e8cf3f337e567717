import { Kafka, logLevel, type LogEntry, type Admin } from 'kafkajs';
import type { TopicSpec } from '@careflow/contracts';
import type { KafkaConnectionSecurity, Logger } from '@careflow/config';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** Only kafkajs' errors, at debug: for a caller that reports the broker's state itself (once per change). */
  readonly quiet?: boolean;
  /** TLS and SASL (libs/config connections.ts); plain TCP without. */
  readonly security?: KafkaConnectionSecurity;
}

const toPinoLevel = (level: logLevel): 'error' | 'warn' | 'info' | 'debug' => {
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    case logLevel.DEBUG:
      return 'debug';
  }
};

/** kafkajs with its log lines routed through our structured logger. */
export const createKafka = ({ brokers, clientId, logger, quiet = false, security = {} }: KafkaOptions): Kafka =>
  new Kafka({
    brokers: [...brokers],
    clientId,
    ...(security.ssl === undefined ? {} : { ssl: { ...security.ssl } }),
    ...(security.sasl === undefined ? {} : { sasl: { ...security.sasl } }),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
    logLevel: quiet ? logLevel.ERROR : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        logger[quiet ? 'debug' : toPinoLevel(level)]({ kafka: rest }, message);
      },
  });

const msPerDay = 86_400_000;

/** Creates missing topics with their declared partitions and retention; existing ones are left as they are. */
export const ensureTopics = async (kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: String(spec.retentionDays * msPerDay) }],
        })),
      });
    }
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
};

/** One metadata round trip through an already connected admin client: the broker answers or it doesn't. */
export const probeKafka = async (admin: Admin): Promise<void> => {
  await admin.describeCluster();
};
