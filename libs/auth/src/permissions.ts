/**
 * The one permission table: which staff role may do which operation, and in which departments.
 * Episode commands come from the domain's per-command role table (rolesPermittedTo), so a role the
 * domain refuses is never let through here, and the API refuses it before the workflow is asked.
 * Reads follow the minimum-necessary rule: each role sees what its work needs and nothing more.
 */
import { isSystemOnlyCommand, rolesPermittedTo, type CareEpisodeCommandType, type CareRole } from '@careflow/domain';

/** The roles a person's token may carry. `system` and `ehr-feed` are never people. */
export const staffRoles = ['referring-physician', 'therapist', 'department-lead', 'scheduler', 'billing', 'auditor', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const isStaffRole = (value: unknown): value is StaffRole =>
  typeof value === 'string' && (staffRoles as readonly string[]).includes(value);

const commandTypes = Object.keys(rolesPermittedTo) as CareEpisodeCommandType[];

/** Commands a person issues over the API; those only the episode's workflow sends are granted to no one. */
export const personCommandTypes: readonly CareEpisodeCommandType[] = commandTypes.filter((type) => !isSystemOnlyCommand(type));

export type CommandOperation = `command:${CareEpisodeCommandType}`;

export const readOperations = [
  /** An episode's state and due dates, and episode lists. */
  'episode:read',
  /** The events of an episode in the clinic's words, routing explanations included. */
  'episode:timeline',
  /** Free text of notes, assessments and reports; without it those fields are left out of every answer. */
  'episode:note-text',
  'episode:charges',
  'claims:read',
  'worklists:read',
  /** Aggregate outcome and compliance reports, without direct identifiers. */
  'reports:read',
  'therapists:read',
  'audit:read',
  /** The auditor's download for one episode: audit trail, event stream, FHIR bundle and chart. */
  'audit:packet',
  'settings:admin',
  /** The Temporal UI's codec endpoint: decoding shows PHI, encoding lets the UI send signals. */
  'codec:decode',
  'codec:encode',
] as const;
export type ReadOperation = (typeof readOperations)[number];

export type Operation = CommandOperation | ReadOperation;

export const commandOperation = (type: CareEpisodeCommandType): CommandOperation => `command:${type}`;

/**
 * `department`: only on objects of a department listed in the caller's token.
 * `hospital`: not tied to a department (settings, the codec, the hospital-wide audit trail).
 */
export type DepartmentScope = 'department' | 'hospital';

export interface Grant {
  readonly roles: readonly StaffRole[];
  readonly scope: DepartmentScope;
}

const department = (...roles: StaffRole[]): Grant => ({ roles, scope: 'department' });
const hospital = (...roles: StaffRole[]): Grant => ({ roles, scope: 'hospital' });

const clinicalReaders: StaffRole[] = ['referring-physician', 'therapist', 'department-lead'];

const readGrants: { readonly [O in ReadOperation]: Grant } = {
  'episode:read': department(...clinicalReaders, 'scheduler', 'billing'),
  'episode:timeline': department(...clinicalReaders, 'scheduler'),
  'episode:note-text': department(...clinicalReaders),
  'episode:charges': department('department-lead', 'billing'),
  'claims:read': department('billing'),
  'worklists:read': department('therapist', 'department-lead', 'scheduler'),
  'reports:read': department('department-lead'),
  'therapists:read': department('department-lead', 'scheduler'),
  'audit:read': hospital('auditor'),
  'audit:packet': hospital('auditor'),
  'settings:admin': hospital('admin'),
  'codec:decode': hospital('admin'),
  'codec:encode': hospital('admin'),
};

/** The domain's roles for a command, less those no person holds (the workflow, the EHR feed). */
const commandGrant = (type: CareEpisodeCommandType): Grant =>
  department(...rolesPermittedTo[type].filter((role: CareRole): role is CareRole & StaffRole => isStaffRole(role)));

export const operations: readonly Operation[] = [...commandTypes.map(commandOperation), ...readOperations];

export const isOperation = (value: string): value is Operation => (operations as readonly string[]).includes(value);

export const grantFor = (operation: Operation): Grant =>
  operation.startsWith('command:')
    ? commandGrant(operation.slice('command:'.length) as CareEpisodeCommandType)
    : readGrants[operation as ReadOperation];

/** Who is asking, as a verified token says. */
export interface Principal {
  readonly userId: string;
  readonly role: StaffRole;
  readonly departments: readonly string[];
  readonly purposeOfUse?: PurposeOfUse;
}

export const purposesOfUse = ['treatment', 'payment', 'operations', 'audit'] as const;
export type PurposeOfUse = (typeof purposesOfUse)[number];

export type AccessDecision =
  | { readonly allowed: true }
  /** `role`: the role may never do this. `department`: the object belongs to a department not in the token. */
  | { readonly allowed: false; readonly reason: 'role' | 'department' };

/**
 * May the principal do the operation on an object of `objectDepartment`? Department-scoped operations
 * need the object's department; hospital-wide ones ignore it. A refusal for `department` must reach
 * the caller as "not found", never as a hint that the object exists.
 */
export const decideAccess = (principal: Principal, operation: Operation, objectDepartment?: string): AccessDecision => {
  const grant = grantFor(operation);
  if (!grant.roles.includes(principal.role)) return { allowed: false, reason: 'role' };
  if (grant.scope === 'hospital') return { allowed: true };
  return objectDepartment !== undefined && principal.departments.includes(objectDepartment)
    ? { allowed: true }
    : { allowed: false, reason: 'department' };
};

/**
 * The departments a list query may return for the operation, for its SQL filter, so a list never
 * shows what a direct read would refuse: `all` for hospital-wide operations, else the token's own.
 */
export type DepartmentFilter = { readonly kind: 'all' } | { readonly kind: 'only'; readonly departments: readonly string[] };

export const departmentFilter = (principal: Principal, operation: Operation): DepartmentFilter => {
  const grant = grantFor(operation);
  if (!grant.roles.includes(principal.role)) return { kind: 'only', departments: [] };
  return grant.scope === 'hospital' ? { kind: 'all' } : { kind: 'only', departments: principal.departments };
};
