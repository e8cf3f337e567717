import { Injectable, type OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { isPublic, operationOf, type OperationMetadata } from './operation.decorator';
import { type RouteDoc, routeDocOf } from './route-doc';

/** One route as Nest registered it: method, OpenAPI-style path (`/episodes/{id}`), and its operation. */
export interface CatalogueRoute {
  readonly method: string;
  readonly path: string;
  readonly operation: OperationMetadata | undefined;
  readonly public: boolean;
  readonly doc: RouteDoc | undefined;
  /** The handler takes `@Query()`: the OpenAPI test holds it to documenting its query (RouteDoc `query`). */
  readonly readsQuery: boolean;
}

const joinPath = (...parts: string[]): string =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '')
    .map((part) => (part.startsWith(':') ? `{${part.slice(1)}}` : part))
    .join('/')}`;

// Nest keeps a handler's parameter decorators on its controller, keyed `<paramtype>:<index>`.
const readsQuery = (metatype: object, name: string): boolean =>
  Object.keys((Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) as object | undefined) ?? {}).some((key) =>
    key.startsWith(`${RouteParamtypes.QUERY}:`),
  );

const pathsOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : [typeof value === 'string' ? value : '']);

/**
 * Every route of the running app, read from Nest's own metadata, so the OpenAPI document and the
 * start-up check see exactly what Nest serves. At start, a route with neither @Operation nor @Public
 * stops the app: it could be neither authorized nor audited.
 */
@Injectable()
export class RouteCatalogue implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): CatalogueRoute[] {
    return this.discovery.getControllers().flatMap(({ instance, metatype }) => {
      if (instance === undefined || instance === null || metatype === null) return [];
      const prototype = Object.getPrototypeOf(instance) as object;
      const controllerPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, metatype));
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = (prototype as Record<string, unknown>)[name] as object;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) return [];
        const targets = [handler as () => unknown, metatype];
        return controllerPaths.flatMap((controllerPath) =>
          pathsOf(Reflect.getMetadata(PATH_METADATA, handler)).map((path) => ({
            method: RequestMethod[method].toLowerCase(),
            path: joinPath(controllerPath, path),
            operation: operationOf(this.reflector, targets),
            public: isPublic(this.reflector, targets),
            doc: routeDocOf(this.reflector, handler),
            readsQuery: readsQuery(metatype, name),
          })),
        );
      });
    });
  }

  onApplicationBootstrap(): void {
    const unguarded = this.routes().filter((route) => route.operation === undefined && !route.public);
    if (unguarded.length > 0) {
      throw new Error(
        `routes without @Operation or @Public: ${unguarded.map((route) => `${route.method.toUpperCase()} ${route.path}`).join(', ')}`,
      );
    }
  }
}
