import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Operation as PermissionOperation } from '@careflow/auth';
import type { AuditAction } from '@careflow/audit';

export const operationMetadata = 'careflow:operation';
export const publicMetadata = 'careflow:public';

export interface OperationOptions {
  /** The audit record's resource type (`episode`, `settings` …); read from the operation when omitted. */
  readonly resource?: string;
  /** The audit record's action; read from the HTTP method when omitted (GET read, POST create, PUT update). */
  readonly action?: AuditAction;
}

export interface OperationMetadata extends OperationOptions {
  readonly operation: PermissionOperation;
}

/**
 * The permission-table operation a route performs (libs/auth permissions.ts). Every route has one or
 * is @Public: the guard checks the caller's role against it and the audit interceptor writes the
 * request's one audit record under its name.
 */
export const Operation = (operation: PermissionOperation, options: OperationOptions = {}): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(operationMetadata, { operation, ...options } satisfies OperationMetadata));

/** A route that touches no PHI and needs no token (health, the API description). */
export const Public = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(publicMetadata, true));

type Target = Parameters<Reflector['getAllAndOverride']>[1][number];

export const operationOf = (reflector: Reflector, targets: Target[]): OperationMetadata | undefined =>
  reflector.getAllAndOverride<OperationMetadata | undefined>(operationMetadata, targets);

export const isPublic = (reflector: Reflector, targets: Target[]): boolean =>
  reflector.getAllAndOverride<boolean | undefined>(publicMetadata, targets) === true;

/** The resource type an operation's records name when the route does not say. */
export const resourceOfOperation = (operation: PermissionOperation): string => {
  if (operation.startsWith('command:') || operation.startsWith('episode:')) return 'episode';
  const [area = 'unknown'] = operation.split(':');
  return area;
};

export const actionOfMethod = (method: string): AuditAction => {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return 'read';
    case 'PUT':
    case 'PATCH':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      return 'create';
  }
};
