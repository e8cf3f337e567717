import 'reflect-metadata';
import { ensurePlatformTopics, runApp } from '@careflow/platform';
import { loadBillingConfig } from './config';

/** Billing (charges and claims from the episode events): for now it only ensures the platform's topics; the consumer is still to come. */
runApp({ name: 'billing', loadConfig: loadBillingConfig, afterStart: ensurePlatformTopics });
