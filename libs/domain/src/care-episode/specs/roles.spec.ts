import * as f from '../../testing/fixtures';
import { given } from '../../testing/given-when-then';
import { careRoles, isSystemOnlyCommand, rolesPermittedTo } from '../roles';

describe('who may do what', () => {
  it('refuses a command from a role the table does not allow, naming the roles that may', () => {
    given(f.accepted())
      .when({ ...f.recordIntake(), actor: f.scheduler })
      .thenRefused('ROLE_NOT_PERMITTED', /^The scheduler role may not RecordIntake; it is for therapist\.$/);
  });

  it('refuses a role it does not know without echoing it', () => {
    const when = given(f.accepted()).when({ ...f.recordIntake(), actor: { userId: 'u-1', role: 'Jane Doe MRN 123' } });
    when.thenRefused('ROLE_NOT_PERMITTED', /^A role Careflow does not know may not RecordIntake/);
    expect(JSON.stringify(when.result)).not.toContain('Jane Doe');
  });

  it('refuses a deadline or routing command from anyone but the episode itself', () => {
    given(f.certified())
      .when({ ...f.markDeadline('certified-period-end', f.at('2025-03-08')), actor: f.lead })
      .thenRefused('ROLE_NOT_PERMITTED');
    given([f.receiveReferral()])
      .when({ ...f.routeReferral(), actor: f.lead })
      .thenRefused('ROLE_NOT_PERMITTED');
  });

  it('names deadline and routing commands system-only, and no command a person sends', () => {
    expect(isSystemOnlyCommand('MarkDeadlinePassed')).toBe(true);
    expect(isSystemOnlyCommand('RouteReferral')).toBe(true);
    expect(isSystemOnlyCommand('EscalateReferral')).toBe(false);
    expect(isSystemOnlyCommand('RecordSession')).toBe(false);
  });

  it('gives every command at least one role, and only roles it knows', () => {
    for (const roles of Object.values(rolesPermittedTo)) {
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(careRoles).toContain(role);
    }
  });
});
