import { isSystemOnlyCommand, roleRefusal, rolesPermittedTo, type CareEpisodeCommandType } from '@careflow/domain';
import {
  decideAccess,
  departmentFilter,
  grantFor,
  operations,
  personCommandTypes,
  readOperations,
  staffRoles,
  type Operation,
  type Principal,
  type ReadOperation,
  type StaffRole,
} from './permissions';

const ownDepartment = 'D1';
const otherDepartment = 'D2';
const principal = (role: StaffRole): Principal => ({ userId: 'u-7', role, departments: [ownDepartment] });

/** Who may read what, stated here on its own so a change to the table must be made twice, deliberately. */
const expectedReads: { readonly [O in ReadOperation]: { readonly roles: readonly StaffRole[]; readonly hospitalWide: boolean } } = {
  'episode:read': { roles: ['referring-physician', 'therapist', 'department-lead', 'scheduler', 'billing'], hospitalWide: false },
  'episode:timeline': { roles: ['referring-physician', 'therapist', 'department-lead', 'scheduler'], hospitalWide: false },
  'episode:note-text': { roles: ['referring-physician', 'therapist', 'department-lead'], hospitalWide: false },
  'episode:charges': { roles: ['department-lead', 'billing'], hospitalWide: false },
  'claims:read': { roles: ['billing'], hospitalWide: false },
  'worklists:read': { roles: ['therapist', 'department-lead', 'scheduler'], hospitalWide: false },
  'reports:read': { roles: ['department-lead'], hospitalWide: false },
  'therapists:read': { roles: ['department-lead', 'scheduler'], hospitalWide: false },
  'audit:read': { roles: ['auditor'], hospitalWide: true },
  'audit:packet': { roles: ['auditor'], hospitalWide: true },
  'settings:admin': { roles: ['admin'], hospitalWide: true },
  'codec:decode': { roles: ['admin'], hospitalWide: true },
  'codec:encode': { roles: ['admin'], hospitalWide: true },
};

const commandTypes = Object.keys(rolesPermittedTo) as CareEpisodeCommandType[];
const commandOf = (operation: Operation): CareEpisodeCommandType | undefined =>
  operation.startsWith('command:') ? (operation.slice('command:'.length) as CareEpisodeCommandType) : undefined;

/** Every operation × role × own and other department, with what each must answer. */
const matrix = operations.flatMap((operation) =>
  staffRoles.flatMap((role) =>
    [ownDepartment, otherDepartment].map((department) => {
      const command = commandOf(operation);
      const permitted =
        command === undefined ? expectedReads[operation as ReadOperation].roles.includes(role) : roleRefusal(command, role) === undefined;
      const hospitalWide = command === undefined && expectedReads[operation as ReadOperation].hospitalWide;
      const expected = !permitted
        ? { allowed: false, reason: 'role' }
        : hospitalWide || department === ownDepartment
          ? { allowed: true }
          : { allowed: false, reason: 'department' };
      return { operation, role, department, expected };
    }),
  ),
);

describe('the permission table', () => {
  it('covers every command of the domain and every read operation', () => {
    expect(operations).toHaveLength(commandTypes.length + readOperations.length);
    expect(matrix).toHaveLength(operations.length * staffRoles.length * 2);
  });

  it.each(matrix.map((row) => [row.operation, row.role, row.department === ownDepartment ? 'own' : 'other', row] as const))(
    '%s by %s in the %s department',
    (_operation, _role, _department, row) => {
      expect(decideAccess(principal(row.role), row.operation, row.department)).toEqual(row.expected);
    },
  );

  it('lets a person issue exactly the commands the domain permits their role, and none only the workflow sends', () => {
    for (const type of commandTypes) {
      const permitted = staffRoles.filter((role) => decideAccess(principal(role), `command:${type}`, ownDepartment).allowed);
      expect(permitted).toEqual(staffRoles.filter((role) => (rolesPermittedTo[type] as readonly string[]).includes(role)));
      if (isSystemOnlyCommand(type)) expect(permitted).toEqual([]);
    }
    expect(personCommandTypes.every((type) => !isSystemOnlyCommand(type))).toBe(true);
  });

  it('keeps billing from note text and the auditor and admin from anything clinical', () => {
    expect(decideAccess(principal('billing'), 'episode:note-text', ownDepartment)).toEqual({ allowed: false, reason: 'role' });
    const allowedTo = (role: StaffRole) => operations.filter((operation) => grantFor(operation).roles.includes(role));
    expect(allowedTo('auditor')).toEqual(['audit:read', 'audit:packet']);
    expect(allowedTo('admin')).toEqual(['settings:admin', 'codec:decode', 'codec:encode']);
  });

  it('refuses a department-scoped operation when the object names no department', () => {
    expect(decideAccess(principal('therapist'), 'episode:read')).toEqual({ allowed: false, reason: 'department' });
  });
});

describe('the department filter of list queries', () => {
  it('never lets a list show what a direct read refuses', () => {
    for (const operation of operations) {
      for (const role of staffRoles) {
        const filter = departmentFilter({ userId: 'u-7', role, departments: [ownDepartment] }, operation);
        for (const department of [ownDepartment, otherDepartment]) {
          const listed = filter.kind === 'all' || filter.departments.includes(department);
          expect(listed).toBe(decideAccess(principal(role), operation, department).allowed);
        }
      }
    }
  });
});
