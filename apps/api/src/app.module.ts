import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@careflow/config';
import { platformFor } from '@careflow/platform';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { CODEC_ENDPOINT_OPTIONS, CodecController } from './codec/codec.controller';
import { createTokenVerifier } from '@careflow/auth';
import { encryptionCodecsFor, keyringFromEnv } from '@careflow/temporal';

@Module({})
export class ApiModule {
  static register(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [platformFor('api', config, logger)],
      controllers: [HealthController, CodecController],
      providers: [
        {
          provide: CODEC_ENDPOINT_OPTIONS,
          useValue: {
            codecFor: encryptionCodecsFor(keyringFromEnv(config.PAYLOAD_KEYS), [config.TEMPORAL_NAMESPACE]),
            verifyToken: createTokenVerifier(config.tokenVerifier),
            allowedOrigins: config.CODEC_ALLOWED_ORIGINS,
          },
        },
      ],
    };
  }
}
