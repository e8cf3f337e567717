import { defaultDepartmentSettings } from '../settings';
import { isPlateau } from './plateau';

const settings = defaultDepartmentSettings;

describe('plateau detection', () => {
  it('needs two consecutive periods with less than the MCID of change', () => {
    expect(isPlateau('NPRS', [6, 5, 5], false, settings)).toBe(true);
    expect(isPlateau('NPRS', [7, 5, 5], false, settings)).toBe(false);
    expect(isPlateau('NPRS', [6, 5], false, settings)).toBe(false);
    expect(isPlateau('NPRS', [8, 7, 5, 4, 4], false, settings)).toBe(true);
  });

  it('is no plateau when the goals are met', () => expect(isPlateau('NPRS', [3, 2, 2], true, settings)).toBe(false));

  it('follows the MCID setting', () => {
    expect(isPlateau('ODI', [40, 32, 25], false, settings)).toBe(true);
    expect(isPlateau('ODI', [40, 32, 25], false, { ...settings, mcid: { ODI: 6, NDI: 7 } })).toBe(false);
  });
});
