import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { json } from 'express';
import { maxCommandBytes } from '@careflow/domain';
import { bodyReader } from '../http';

/**
 * FHIR clients send `application/fhir+json`, which the default JSON parser leaves unread; this parses it
 * for the FHIR routes, with the same size bound as a referral command (a larger body is 413, after the guard
 * has identified the caller, like every unreadable body: http/request-body.ts).
 */
@Module({})
export class FhirJsonModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(bodyReader(json({ type: 'application/fhir+json', limit: maxCommandBytes * 2 })))
      .forRoutes({ path: 'fhir/ServiceRequest', method: RequestMethod.POST });
  }
}
