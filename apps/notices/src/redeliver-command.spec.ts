import { redeliveryTargets, usage } from './redeliver-command';

describe('the redeliver command’s arguments', () => {
  it('takes --all or notice ids', () => {
    expect(redeliveryTargets(['--all'])).toBeUndefined();
    const ids = ['0b3f6c1e-6a8e-4c36-9d1f-3f7c2a1b9e10', 'A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF'];
    expect(redeliveryTargets(ids)).toEqual(ids);
  });

  it.each([[[]], [['--all', '0b3f6c1e-6a8e-4c36-9d1f-3f7c2a1b9e10']], [['not-a-notice']]])('refuses %j with the usage', (args) => {
    expect(() => redeliveryTargets(args)).toThrow(usage);
  });
});
