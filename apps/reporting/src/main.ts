import 'reflect-metadata';
import { ensurePlatformTopics, runApp } from '@careflow/platform';
import { loadReportingConfig } from './config';

/** Consumes episode events into outcome, compliance and worklist read models. */
runApp({ name: 'reporting', loadConfig: loadReportingConfig, afterStart: ensurePlatformTopics });
