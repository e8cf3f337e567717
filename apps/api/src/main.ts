import 'reflect-metadata';
import { runApp } from '@careflow/platform';
import { loadApiConfig } from './config';
import { ApiModule } from './app.module';
import { apiApplicationOptions } from './http';

runApp({
  name: 'api',
  loadConfig: loadApiConfig,
  module: (config, logger) => ApiModule.register(config, logger),
  listen: (config) => ({ port: config.API_PORT, host: config.API_HOST }),
  httpOptions: apiApplicationOptions,
});
