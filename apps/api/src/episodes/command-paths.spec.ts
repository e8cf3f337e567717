import { personCommandTypes } from '@careflow/auth';
import { isSystemOnlyCommand, rolesPermittedTo, type CareEpisodeCommandType } from '@careflow/domain';
import { commandPaths } from './command-paths';

describe('commandPaths', () => {
  it('gives every command a person issues a path of its own, the referral aside (POST /referrals)', () => {
    const withPath = Object.keys(commandPaths).sort();
    expect(withPath).toEqual(personCommandTypes.filter((type) => type !== 'ReceiveReferral').sort());
    expect(new Set(Object.values(commandPaths)).size).toBe(withPath.length);
  });

  it('gives none to a command only the workflow sends', () => {
    const systemOnly = (Object.keys(rolesPermittedTo) as CareEpisodeCommandType[]).filter(isSystemOnlyCommand);
    expect(systemOnly.length).toBeGreaterThan(0);
    for (const type of systemOnly) expect(commandPaths[type]).toBeUndefined();
  });

  it('uses kebab-case paths', () => {
    for (const path of Object.values(commandPaths)) expect(path).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});
