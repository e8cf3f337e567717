import 'reflect-metadata';
import { ensurePlatformTopics, runApp } from '@careflow/platform';
import { loadReportingConfig } from './config';

/** Reporting (outcome, compliance and worklist read models): for now it only ensures the platform's topics; the consumer is still to come. */
runApp({ name: 'reporting', loadConfig: loadReportingConfig, afterStart: ensurePlatformTopics });
