import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@careflow/config';
import { platformFor } from '@careflow/platform';
import { encryptionCodecsFor, keyringFromEnv } from '@careflow/temporal';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { CODEC_ENDPOINT_OPTIONS, CodecController } from './codec/codec.controller';
import { HttpCoreModule } from './http';
import { ReadsModule } from './reads/reads.module';
import { createTokenVerifier } from '@careflow/auth';

@Module({})
export class ApiModule {
  static register(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        platformFor('api', config, logger),
        HttpCoreModule.register({ tokenVerifier: config.tokenVerifier, auditKeys: config.AUDIT_HMAC_KEYS }),
        ReadsModule.register({ temporalNamespace: config.TEMPORAL_NAMESPACE, payloadKeys: keyringFromEnv(config.PAYLOAD_KEYS) }),
      ],
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
