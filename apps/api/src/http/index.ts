export { callerOf, describeTarget, type Caller, type AuditTarget } from './caller';
export { Operation, Public, type OperationOptions } from './operation.decorator';
export { EpisodeAccess, isEpisodeId, type RegisteredEpisode } from './episode-access';
export * from './problem';
export { RouteCatalogue, type CatalogueRoute } from './route-catalogue';
export { HttpCoreModule, type HttpCoreOptions } from './http-core.module';
export { AUDIT_TRAIL, TOKEN_VERIFIER } from './tokens';
export { RouteDoc, jsonSchemaOf, type JsonSchema } from './route-doc';
export { apiApplicationOptions, bodyReader } from './request-body';
