import 'reflect-metadata';
import { ensurePlatformTopics, runApp } from '@careflow/platform';
import { loadRelayConfig } from './config';

/** Publishes the event store's outbox to Kafka. */
runApp({ name: 'relay', loadConfig: loadRelayConfig, afterStart: ensurePlatformTopics });
