import { Global, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import type { Sql } from 'postgres';
import { createTokenVerifier, type TokenVerifierOptions } from '@careflow/auth';
import { createAuditTrail, type AuditKeyring } from '@careflow/audit';
import { SQL } from '@careflow/platform';
import { CallerGuard } from './caller.guard';
import { EpisodeAccess } from './episode-access';
import { ProblemFilter } from './problem.filter';
import { AuditInterceptor, RequestAudit } from './request-audit';
import { jsonBodyReader } from './request-body';
import { RouteCatalogue } from './route-catalogue';
import { AUDIT_TRAIL, TOKEN_VERIFIER } from './tokens';

export interface HttpCoreOptions {
  readonly tokenVerifier: TokenVerifierOptions;
  readonly auditKeys: AuditKeyring;
}

/**
 * What every route of the API goes through (docs/api.md): its body read (request-body.ts), the
 * bearer-token guard, the permission table, department scoping, the per-request audit record and
 * RFC 9457 problem details.
 */
@Global()
@Module({})
export class HttpCoreModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(jsonBodyReader()).forRoutes('*');
  }

  static register(options: HttpCoreOptions): DynamicModule {
    const exported = [
      { provide: TOKEN_VERIFIER, useValue: createTokenVerifier(options.tokenVerifier) },
      { provide: AUDIT_TRAIL, inject: [SQL], useFactory: (sql: Sql) => createAuditTrail({ sql, keys: options.auditKeys }) },
      RequestAudit,
      EpisodeAccess,
      RouteCatalogue,
    ];
    return {
      module: HttpCoreModule,
      imports: [DiscoveryModule],
      providers: [
        ...exported,
        { provide: APP_GUARD, useClass: CallerGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: exported,
    };
  }
}
