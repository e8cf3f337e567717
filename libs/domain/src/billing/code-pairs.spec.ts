import { distinctServiceCode, findCodePairConflict } from './index';

describe('97124 / 97140 on the same day', () => {
  it('given massage and manual therapy on the same region, when checked, then refused naming the region', () => {
    const refusal = findCodePairConflict([
      { code: '97124', bodyRegions: ['lumbar', 'neck'] },
      { code: '97140', bodyRegions: ['Lumbar '] },
    ]);
    expect(refusal).toMatchObject({
      code: 'CODE_PAIR_SAME_REGION',
      message: 'Massage (97124) and manual therapy (97140) cannot both be billed for the same body region on the same day (lumbar).',
      details: { regions: 'lumbar' },
    });
  });

  it('given massage and manual therapy on different regions, when checked, then allowed', () => {
    expect(
      findCodePairConflict([
        { code: '97124', bodyRegions: ['lumbar'] },
        { code: '97140', bodyRegions: ['cervical'] },
        { code: '97112', bodyRegions: ['lumbar'] },
      ]),
    ).toBeUndefined();
  });

  it('given only one code of the pair, when checked, then allowed whatever the regions', () => {
    expect(
      findCodePairConflict([
        { code: '97140', bodyRegions: [] },
        { code: '97530', bodyRegions: [] },
      ]),
    ).toBeUndefined();
    expect(
      findCodePairConflict([
        { code: '97124', bodyRegions: ['lumbar'] },
        { code: '97124', bodyRegions: ['lumbar'] },
      ]),
    ).toBeUndefined();
  });

  it('given a line of the pair without a documented region, when checked, then refused because the regions cannot be shown to differ', () => {
    const refusal = findCodePairConflict([
      { code: '97124', bodyRegions: ['lumbar'] },
      { code: '97140', bodyRegions: [' '] },
    ]);
    expect(refusal).toMatchObject({ code: 'CODE_PAIR_SAME_REGION' });
    expect(refusal?.message).toContain('need the body region of each documented');
  });

  it('given the pair documented in either order, when modifier 59 is placed, then it goes on the second of them', () => {
    expect(distinctServiceCode(['97124', '97112', '97140'])).toBe('97140');
    expect(distinctServiceCode(['97140', '97124'])).toBe('97124');
    expect(distinctServiceCode(['97140', '97140', '97112'])).toBeUndefined();
    expect(distinctServiceCode([])).toBeUndefined();
  });
});
