import 'reflect-metadata';
import { ensurePlatformTopics, runApp } from '@careflow/platform';
import { loadBillingConfig } from './config';

/** Consumes episode events into the charges and claims read model. */
runApp({ name: 'billing', loadConfig: loadBillingConfig, afterStart: ensurePlatformTopics });
