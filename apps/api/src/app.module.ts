import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@careflow/config';
import { platformFor } from '@careflow/platform';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { CODEC_ENDPOINT_OPTIONS, CodecController } from './codec/codec.controller';
import { createJwtAuthorizer, encryptionCodecsFor, keyringFromEnv } from '@careflow/temporal';

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
            authorize: createJwtAuthorizer({
              key: config.AUTH_JWT_SECRET ? { hs256Secret: config.AUTH_JWT_SECRET } : { jwksUrl: config.AUTH_JWKS_URL ?? '' },
              issuer: config.AUTH_JWT_ISSUER,
              audience: config.AUTH_JWT_AUDIENCE,
            }),
            allowedOrigins: config.CODEC_ALLOWED_ORIGINS,
          },
        },
      ],
    };
  }
}
