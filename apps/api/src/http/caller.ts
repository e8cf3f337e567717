/**
 * Who is calling and what the request is about, kept beside the Express request for the guard, the
 * routes, the audit interceptor and the problem-details filter (docs/api.md).
 */
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { purposesOfUse, type Operation, type PurposeOfUse, type StaffRole } from '@careflow/auth';
import type { AuditAction } from '@careflow/audit';

/** The verified caller: from the bearer token, with the purpose of use the request is made for. */
export interface Caller {
  readonly userId: string;
  readonly role: StaffRole;
  readonly departments: readonly string[];
  readonly purposeOfUse: PurposeOfUse;
}

/** What one request touched, for its audit record: set by the route as it learns it. */
export interface AuditTarget {
  resourceType: string;
  resourceId?: string;
  patientKey?: string;
  departmentId?: string;
}

export interface RequestState {
  readonly requestId: string;
  caller?: Caller;
  /** Set by the guard for every route with an @Operation; the audit needs it for every outcome. */
  operation?: { readonly name: Operation; readonly action: AuditAction };
  readonly target: AuditTarget;
  /** Why access was refused, for the audit record, when the answer itself must not say (a 404). */
  denial?: string;
  /** The request's one audit record was written (or its write was attempted and failed). */
  audited: boolean;
  /** The status of a body that could not be read (request-body.ts); the guard refuses it once the caller is known. */
  unreadableBody?: number;
}

const states = new WeakMap<Request, RequestState>();

// A request id a client sends is kept when it looks like one, so its logs and ours correlate.
const requestIdPattern = /^[A-Za-z0-9._-]{8,100}$/;

export const requestState = (request: Request): RequestState => {
  let state = states.get(request);
  if (state === undefined) {
    const sent = request.headers['x-request-id'];
    state = {
      requestId: typeof sent === 'string' && requestIdPattern.test(sent) ? sent : randomUUID(),
      target: { resourceType: 'unknown' },
      audited: false,
    };
    states.set(request, state);
  }
  return state;
};

/** The caller the guard verified; a route with an @Operation always has one. */
export const callerOf = (request: Request): Caller => {
  const caller = requestState(request).caller;
  if (caller === undefined) throw new Error('no verified caller on a route that needs one: is the route missing @Operation?');
  return caller;
};

// The audit trail stores ids and codes only (libs/audit record.ts); a value a client made up that is
// not one (a path segment with spaces) names nothing and is left out rather than failing the record.
const auditableId = /^[A-Za-z0-9._:/@+-]{1,200}$/;

/** Records what the request is about (episode id, patient key, department) for its audit record. */
export const describeTarget = (request: Request, target: Partial<AuditTarget>): void => {
  const described = requestState(request).target;
  for (const [field, value] of Object.entries(target) as [keyof AuditTarget, string | undefined][]) {
    if (value !== undefined && auditableId.test(value)) described[field] = value;
  }
};

export const purposeOfUseHeader = 'x-purpose-of-use';

export const isPurposeOfUse = (value: unknown): value is PurposeOfUse =>
  typeof value === 'string' && (purposesOfUse as readonly string[]).includes(value);

/**
 * The purpose a role's work is for, when neither the token nor the request names one, so every audit
 * record says why (IHE BALP purposeOfUse).
 */
export const defaultPurposeOfUse: { readonly [R in StaffRole]: PurposeOfUse } = {
  'referring-physician': 'treatment',
  therapist: 'treatment',
  'department-lead': 'treatment',
  scheduler: 'operations',
  billing: 'payment',
  auditor: 'audit',
  admin: 'operations',
};
