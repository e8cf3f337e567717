import { defaultDepartmentSettings, departmentSettingsProblem } from './settings';

describe("a department's settings", () => {
  it('accepts the defaults and a 30-day progress-report rule', () => {
    expect(departmentSettingsProblem(defaultDepartmentSettings)).toBeUndefined();
    expect(departmentSettingsProblem({ ...defaultDepartmentSettings, progressReportCalendarDays: 30 })).toBeUndefined();
  });

  it.each([
    ['no offers before escalation', { routing: { ...defaultDepartmentSettings.routing, maxOffers: 0 } }, 'settings.routing.maxOffers'],
    ['an order valid for no days', { referralValidityDays: 0 }, 'settings.referralValidityDays'],
    ['a signing window of 10 000 hours', { unsignedNoteHours: 10_000 }, 'settings.unsignedNoteHours'],
    ['an MCID that is not a number', { mcid: { ODI: '10', NDI: 7 } }, 'settings.mcid.ODI'],
  ])('names the setting that is out of bounds: %s', (_case, change, path) => {
    expect(departmentSettingsProblem({ ...defaultDepartmentSettings, ...change })).toMatch(
      new RegExp(`^${path.replace(/\./g, '\\.')} must be`),
    );
  });

  it('refuses settings that are not there', () => {
    expect(departmentSettingsProblem(undefined)).toBe('settings must be an object');
  });
});
