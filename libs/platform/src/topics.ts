import type { INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { platformTopics } from '@careflow/contracts';
import type { Logger } from '@careflow/config';
import { ensureTopics } from '@careflow/messaging';
import { KAFKA, LOGGER } from './tokens';

/** Every app that touches Kafka makes sure the platform's topics exist, with their declared settings. */
export const ensurePlatformTopics = async (app: INestApplicationContext): Promise<void> => {
  const created = await ensureTopics(app.get<Kafka>(KAFKA), platformTopics);
  if (created.length > 0) app.get<Logger>(LOGGER).info({ topics: created }, 'created Kafka topics');
};
