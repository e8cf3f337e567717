import { type DynamicModule, Module } from '@nestjs/common';
import { createTokenVerifier } from '@careflow/auth';
import type { Logger } from '@careflow/config';
import { platformFor } from '@careflow/platform';
import { encryptionCodecsFor, keyringFromEnv } from '@careflow/temporal';
import type { ApiConfig } from './config';
import { HealthController } from './health/health.controller';
import { CODEC_ENDPOINT_OPTIONS, CodecController } from './codec/codec.controller';
import { EpisodeCommandsController } from './episodes/episode-commands.controller';
import { EpisodeFhir } from './fhir/episode-fhir';
import { FhirController } from './fhir/fhir.controller';
import { FhirJsonModule } from './fhir/fhir-json.module';
import { EpisodeCommands } from './episodes/episode-commands';
import { IdempotencyKeys } from './episodes/idempotency';
import { HttpCoreModule } from './http';
import { ReadsModule } from './reads/reads.module';
import { DepartmentSettingsStore } from './referrals/department-settings';
import { ReferralIntake } from './referrals/referral-intake';
import { ReferralsController } from './referrals/referrals.controller';
import { REFERRAL_FEED_OPTIONS, ReferralFeedConsumer, type ReferralFeedOptions } from './referrals/referral-feed.consumer';
import { apiServices } from './services';
import { SettingsController } from './settings/settings.controller';
import { OpenApiController } from './openapi/openapi.controller';

@Module({})
export class ApiModule {
  static register(config: ApiConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        platformFor('api', config, logger),
        HttpCoreModule.register({ tokenVerifier: config.tokenVerifier, auditKeys: config.AUDIT_HMAC_KEYS }),
        ReadsModule.register({ temporalNamespace: config.TEMPORAL_NAMESPACE, payloadKeys: keyringFromEnv(config.PAYLOAD_KEYS) }),
        FhirJsonModule,
      ],
      controllers: [
        HealthController,
        CodecController,
        OpenApiController,
        ReferralsController,
        EpisodeCommandsController,
        SettingsController,
        FhirController,
      ],
      providers: [
        ...apiServices(config),
        DepartmentSettingsStore,
        ReferralIntake,
        EpisodeCommands,
        IdempotencyKeys,
        EpisodeFhir,
        ReferralFeedConsumer,
        {
          provide: REFERRAL_FEED_OPTIONS,
          useValue: {
            enabled: config.REFERRAL_FEED === 'on',
            topic: config.REFERRAL_TOPIC,
            deadLetterTopic: config.REFERRAL_DEAD_LETTER_TOPIC,
            groupId: config.REFERRAL_CONSUMER_GROUP,
            userId: config.REFERRAL_FEED_USER_ID,
          } satisfies ReferralFeedOptions,
        },
        {
          provide: CODEC_ENDPOINT_OPTIONS,
          useValue: {
            codecFor: encryptionCodecsFor(keyringFromEnv(config.PAYLOAD_KEYS), [config.TEMPORAL_NAMESPACE]),
            verifyToken: createTokenVerifier(config.tokenVerifier),
            allowedOrigins: config.CODEC_ALLOWED_ORIGINS,
          },
        },
      ],
      // For the FHIR routes (h/fhir): the one referral path.
      exports: [ReferralIntake],
    };
  }
}
