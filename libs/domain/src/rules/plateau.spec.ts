import { defaultDepartmentSettings } from '../settings';
import { isPlateau, plateauDecisionRefusal } from './plateau';

const settings = defaultDepartmentSettings;

describe('plateau detection', () => {
  it('needs two consecutive periods with less than the MCID of change', () => {
    expect(isPlateau('NPRS', [6, 5, 5], false, settings)).toBe(true);
    expect(isPlateau('NPRS', [7, 5, 5], false, settings)).toBe(false);
    expect(isPlateau('NPRS', [6, 5], false, settings)).toBe(false);
    expect(isPlateau('NPRS', [8, 7, 5, 4, 4], false, settings)).toBe(true);
  });

  it('judges the change across both periods together, not each period alone', () => {
    // 1 point each period, but 2 (the MCID) across the two: progress, not a plateau.
    expect(isPlateau('NPRS', [8, 7, 6], false, settings)).toBe(false);
    expect(isPlateau('PSFS', [3, 4.1, 5], false, settings)).toBe(false);
    // Back where it started after a good and a bad period: no change across the two.
    expect(isPlateau('NPRS', [7, 4, 7], false, settings)).toBe(true);
    // Worse by the MCID or more is a change (worsening), not a plateau.
    expect(isPlateau('NPRS', [5, 6, 7], false, settings)).toBe(false);
  });

  it('is no plateau when the goals are met', () => expect(isPlateau('NPRS', [3, 2, 2], true, settings)).toBe(false));

  it('follows the MCID setting', () => {
    expect(isPlateau('ODI', [40, 35, 31], false, settings)).toBe(true);
    expect(isPlateau('ODI', [40, 35, 31], false, { ...settings, mcid: { ODI: 6, NDI: 7 } })).toBe(false);
  });
});

describe('after a plateau', () => {
  it('refuses further sessions until the clinician has decided', () => {
    expect(plateauDecisionRefusal(true)?.code).toBe('PLATEAU_DECISION_REQUIRED');
    expect(plateauDecisionRefusal(false)).toBeUndefined();
  });
});
