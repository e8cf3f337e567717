import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@careflow/config';
import { platformFor } from '@careflow/platform';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';

@Module({})
export class ApiModule {
  static register(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
platformFor('api', config, logger)],
      controllers: [HealthController],
    };
  }
}
