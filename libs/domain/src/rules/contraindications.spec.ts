import { findingRefusal, restrictedTechniqueRefusal, screen, type Contraindication } from './contraindications';
import { regionsOverBone, tissueUnder } from './catalogue';

const use = (overrides: Partial<Parameters<typeof restrictedTechniqueRefusal>[1]> = {}) => ({
  techniques: [],
  pressure: [],
  treatedRegions: [],
  ...overrides,
});

const screened = (condition: Parameters<typeof screen>[0]['condition'], extra = {}): Contraindication =>
  screen({ findingId: 'finding-7', condition, ...extra }, '2025-03-04', []) as Contraindication;

describe('contraindication screening', () => {
  it.each([
    'deep-vein-thrombosis',
    'fever-or-acute-infection',
    'acute-bleeding',
    'decompensated-heart-failure',
    'untreated-malignancy',
  ] as const)('classifies %s as absolute', (condition) => expect(screened(condition).severity).toBe('absolute'));

  it.each([
    'anticoagulant-therapy',
    'diabetic-peripheral-neuropathy',
    'controlled-cardiovascular-disease',
    'osteoporosis',
    'pregnancy',
  ] as const)('classifies %s as relative', (condition) => expect(screened(condition).severity).toBe('relative'));

  it('counts a thrombosis of 28 days ago, not one of 29 days ago', () => {
    expect(screen({ findingId: 'f', condition: 'deep-vein-thrombosis', occurredOn: '2025-02-04' }, '2025-03-04', [])).toBeDefined();
    expect(screen({ findingId: 'f', condition: 'deep-vein-thrombosis', occurredOn: '2025-02-03' }, '2025-03-04', [])).toBeUndefined();
  });

  it('counts surgery within 6 weeks and restricts its site', () => {
    const surgery = screen(
      { findingId: 'f', condition: 'recent-surgery', occurredOn: '2025-01-21', bodyRegions: ['shoulder-left'] },
      '2025-03-04',
      [],
    );
    expect(surgery).toMatchObject({ severity: 'relative', restrictions: [{ kind: 'site', regions: ['shoulder-left'] }] });
    expect(
      screen({ findingId: 'f', condition: 'recent-surgery', occurredOn: '2025-01-20', bodyRegions: ['shoulder-left'] }, '2025-03-04', []),
    ).toBeUndefined();
  });

  it('needs the site of a fracture or a surgery', () => {
    expect(findingRefusal({ findingId: 'f', condition: 'acute-fracture' })?.code).toBe('INVALID_COMMAND');
    expect(findingRefusal({ findingId: 'f', condition: 'acute-fracture', bodyRegions: ['arm-left'] })).toBeUndefined();
    expect(findingRefusal({ findingId: 'f', condition: 'osteoporosis' })).toBeUndefined();
  });
});

describe('technique restrictions of uncleared relative contraindications', () => {
  const anticoagulant = screened('anticoagulant-therapy');

  it.each(['deep-tissue', 'cross-fiber-friction'] as const)('refuses %s under anticoagulant therapy', (technique) => {
    const refusal = restrictedTechniqueRefusal([anticoagulant], use({ techniques: [technique] }));
    expect(refusal).toMatchObject({ code: 'TECHNIQUE_RESTRICTED', details: { findingId: 'finding-7' } });
    // The condition is health information; the message names only the finding id.
    expect(refusal?.message).not.toMatch(/anticoagula|antiplatelet/);
  });

  it('refuses trigger-point pressure above moderate and any deep pressure under anticoagulant therapy', () => {
    const firmTriggerPoint = use({ techniques: ['trigger-point-therapy'], pressure: [{ bodyRegion: 'neck', pressure: 'firm' }] });
    expect(restrictedTechniqueRefusal([anticoagulant], firmTriggerPoint)?.code).toBe('TECHNIQUE_RESTRICTED');
    const moderateTriggerPoint = use({ techniques: ['trigger-point-therapy'], pressure: [{ bodyRegion: 'neck', pressure: 'moderate' }] });
    expect(restrictedTechniqueRefusal([anticoagulant], moderateTriggerPoint)).toBeUndefined();
    const firmSwedish = use({
      techniques: ['swedish', 'trigger-point-therapy'],
      pressure: [{ bodyRegion: 'neck', pressure: 'firm', technique: 'swedish' }],
    });
    expect(restrictedTechniqueRefusal([anticoagulant], firmSwedish)).toBeUndefined();
    const swedishDeep = use({ techniques: ['swedish'], pressure: [{ bodyRegion: 'neck', pressure: 'deep' }] });
    expect(restrictedTechniqueRefusal([anticoagulant], swedishDeep)?.code).toBe('TECHNIQUE_RESTRICTED');
  });

  it('allows only light pressure on the extremities with peripheral neuropathy', () => {
    const neuropathy = screened('diabetic-peripheral-neuropathy');
    expect(restrictedTechniqueRefusal([neuropathy], use({ pressure: [{ bodyRegion: 'foot-left', pressure: 'moderate' }] }))?.code).toBe(
      'TECHNIQUE_RESTRICTED',
    );
    expect(restrictedTechniqueRefusal([neuropathy], use({ pressure: [{ bodyRegion: 'foot-left', pressure: 'light' }] }))).toBeUndefined();
    expect(restrictedTechniqueRefusal([neuropathy], use({ pressure: [{ bodyRegion: 'upper-back', pressure: 'firm' }] }))).toBeUndefined();
  });

  it('refuses deep pressure over bone with osteoporosis and on the legs in pregnancy', () => {
    const deepLeg = use({ pressure: [{ bodyRegion: 'leg-right', pressure: 'deep' }] });
    const deepHip = use({ pressure: [{ bodyRegion: 'hip-right', pressure: 'deep' }] });
    expect(restrictedTechniqueRefusal([screened('osteoporosis')], deepHip)?.code).toBe('TECHNIQUE_RESTRICTED');
    expect(restrictedTechniqueRefusal([screened('osteoporosis')], deepLeg)).toBeUndefined();
    expect(restrictedTechniqueRefusal([screened('pregnancy')], deepLeg)?.code).toBe('TECHNIQUE_RESTRICTED');
    const deepBack = use({ pressure: [{ bodyRegion: 'upper-back', pressure: 'deep' }] });
    expect(restrictedTechniqueRefusal([screened('pregnancy')], deepBack)).toBeUndefined();
  });

  it('refuses deep tissue and deep pressure with controlled cardiovascular disease, allows firm', () => {
    const heart = screened('controlled-cardiovascular-disease');
    expect(restrictedTechniqueRefusal([heart], use({ techniques: ['deep-tissue'] }))?.code).toBe('TECHNIQUE_RESTRICTED');
    expect(restrictedTechniqueRefusal([heart], use({ pressure: [{ bodyRegion: 'abdomen', pressure: 'deep' }] }))?.code).toBe(
      'TECHNIQUE_RESTRICTED',
    );
    expect(restrictedTechniqueRefusal([heart], use({ pressure: [{ bodyRegion: 'abdomen', pressure: 'firm' }] }))).toBeUndefined();
  });

  it('keeps a session away from a recent surgical site', () => {
    const surgery = screened('recent-surgery', { bodyRegions: ['shoulder-left'] });
    expect(restrictedTechniqueRefusal([surgery], use({ treatedRegions: ['shoulder-left'] }))?.code).toBe('TECHNIQUE_RESTRICTED');
    expect(restrictedTechniqueRefusal([surgery], use({ treatedRegions: ['shoulder-right'] }))).toBeUndefined();
  });
});

describe('regions over bone', () => {
  it('counts the spine, ribs, pelvis, hands and feet as over bone and the abdomen, arms and legs as soft tissue', () => {
    expect(regionsOverBone).toEqual(
      expect.arrayContaining(['upper-back', 'lower-back', 'chest', 'pelvis', 'hand-left', 'foot-right', 'hip-left']),
    );
    expect(
      ['abdomen', 'arm-left', 'arm-right', 'leg-left', 'leg-right'].map((region) => tissueUnder[region as keyof typeof tissueUnder]),
    ).toEqual(Array(5).fill('soft-tissue'));
  });
});

describe('an acute fracture and the regions to be treated', () => {
  const fracture = { findingId: 'fx', condition: 'acute-fracture', bodyRegions: ['arm-left'] } as const;

  it('is absolute at a treated region or when no region is known, relative elsewhere', () => {
    expect(screen(fracture, '2025-03-04', ['arm-left', 'neck'])?.severity).toBe('absolute');
    expect(screen(fracture, '2025-03-04', [])?.severity).toBe('absolute');
    expect(screen(fracture, '2025-03-04', ['neck'])).toMatchObject({
      severity: 'relative',
      site: ['arm-left'],
      restrictions: [{ kind: 'site', regions: ['arm-left'] }],
    });
  });
});
