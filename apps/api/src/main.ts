import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, runMain, StructuredNestLogger } from '@careflow/config';
import { closeOnSignals } from '@careflow/platform';
import { loadApiConfig } from './config';
import { ApiModule } from './app.module';

runMain('api', async () => {
  const config = loadApiConfig();
  const logger = createLogger('api', config.LOG_LEVEL);
  const starting = NestFactory.create(ApiModule.register(config, logger), {
    logger: new StructuredNestLogger(logger),
  });
  closeOnSignals(starting, logger);
  const app = await starting;
  await app.listen(config.API_PORT, config.API_HOST);
  logger.info({ url: await app.getUrl() }, 'api listening');
});
