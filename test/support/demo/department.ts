/**
 * The demo department (docs/demo.md): its settings, therapists, payers and the referral mix, dated
 * around today so everything runs on the real clock. Rules are the domain's; only the data is here.
 */
import {
  addDays,
  commercialPayerSettings,
  defaultDepartmentSettings,
  type DepartmentSettings,
  type HeldCertificate,
  medicareLikePayerSettings,
  type PayerSettings,
  type ProviderType,
  type Referral,
} from '@careflow/domain';

export interface DemoTherapist {
  readonly therapistId: string;
  readonly providerType: ProviderType;
  readonly licenseExpiresOn: string;
  readonly specialtyCertificates: readonly HeldCertificate[];
  readonly availability: number;
  readonly caseloadLimit?: number;
  /** Why this therapist is in the demo, for the summary. */
  readonly role: string;
}

/** The clinical calendar of a run: the evaluation day three weeks ago, referrals a few days before it. */
export interface DemoCalendar {
  readonly today: string;
  readonly evaluationDay: string;
  readonly referralDate: string;
}

export const demoCalendar = (today: string): DemoCalendar => {
  const evaluationDay = addDays(today, -21);
  return { today, evaluationDay, referralDate: addDays(evaluationDay, -5) };
};

export const demoSettings: DepartmentSettings = { ...defaultDepartmentSettings, mcid: { ODI: 10, NDI: 7 } };

/** The payer ids of a department's run (payers are hospital-wide, so each run names its own). */
export const demoPayerIds = (departmentId: string) => ({ medicare: `${departmentId}-medicare`, commercial: `${departmentId}-commercial` });

/**
 * A Medicare-type payer (8-minute rule, GP, KX; massage therapists not recognized) with this year's KX
 * threshold added, as a department adds each new year's value, and a commercial payer on the per-code
 * midpoint rule.
 */
export const demoPayers = (departmentId: string, year: number): Record<string, PayerSettings> => {
  const ids = demoPayerIds(departmentId);
  const thresholds = medicareLikePayerSettings.therapyThresholds;
  return {
    [ids.medicare]: {
      ...medicareLikePayerSettings,
      ...(thresholds === undefined
        ? {}
        : { therapyThresholds: { ...thresholds, kxThresholdCentsByYear: { ...thresholds.kxThresholdCentsByYear, [year]: 248_000 } } }),
    },
    [ids.commercial]: commercialPayerSettings,
  };
};

export const demoTherapists = (departmentId: string, calendar: DemoCalendar): DemoTherapist[] => {
  const valid = addDays(calendar.today, 3 * 365);
  const held = (...certificates: HeldCertificate['certificate'][]): HeldCertificate[] =>
    certificates.map((certificate) => ({ certificate, expiresOn: valid }));
  return [
    {
      therapistId: `${departmentId}-oncology-full`,
      providerType: 'physical-therapist',
      licenseExpiresOn: valid,
      specialtyCertificates: held('oncology-massage', 'manual-lymph-drainage', 'orthopedic'),
      availability: 1,
      caseloadLimit: 1,
      role: 'oncology-certified, caseload limit 1 (reached by the first referral)',
    },
    {
      therapistId: `${departmentId}-oncology`,
      providerType: 'physical-therapist',
      licenseExpiresOn: valid,
      specialtyCertificates: held('oncology-massage', 'manual-lymph-drainage'),
      availability: 0.4,
      role: 'oncology and lymph drainage',
    },
    {
      therapistId: `${departmentId}-orthopedic`,
      providerType: 'physical-therapist',
      licenseExpiresOn: valid,
      specialtyCertificates: held('orthopedic', 'sports'),
      availability: 0.5,
      role: 'orthopedic and sports',
    },
    {
      therapistId: `${departmentId}-general`,
      providerType: 'physical-therapist',
      licenseExpiresOn: valid,
      specialtyCertificates: [],
      availability: 0.7,
      role: 'general',
    },
    {
      therapistId: `${departmentId}-prenatal`,
      providerType: 'licensed-massage-therapist',
      licenseExpiresOn: valid,
      specialtyCertificates: held('prenatal'),
      availability: 0.3,
      role: 'prenatal, licensed massage therapist (not a Medicare provider)',
    },
    {
      therapistId: `${departmentId}-lapsed`,
      providerType: 'physical-therapist',
      licenseExpiresOn: addDays(calendar.today, -40),
      specialtyCertificates: held('orthopedic'),
      availability: 1,
      role: 'licence expired 40 days ago (excluded from routing)',
    },
  ];
};

/** The CMS example NPI (valid Luhn check digit) and one whose check digit is wrong. */
const validNpi = '1234567893';
const badNpi = '1234567890';
export const referringPhysician = { name: 'Dr. Demo Referrer', npi: validNpi, credential: 'MD' };

export type DemoCase =
  | 'fibromyalgia'
  | 'low-back-pain'
  | 'neck-pain'
  | 'oncology-lymphedema'
  | 'dvt-at-intake'
  | 'warfarin'
  | 'post-surgical'
  | 'pregnancy'
  | 'bad-npi';

interface CaseReferral {
  readonly diagnosisCodes: string[];
  readonly payer: 'medicare' | 'commercial';
  readonly cancerHistory?: boolean;
  readonly bodyRegions?: Referral['bodyRegions'];
  readonly npi?: string;
}

const caseReferrals: Record<DemoCase, CaseReferral> = {
  // Sent first and alone: the oncology-certified therapist with the highest availability takes it and reaches her limit.
  fibromyalgia: { diagnosisCodes: ['M79.7'], payer: 'commercial' },
  'low-back-pain': { diagnosisCodes: ['M54.50'], payer: 'medicare', bodyRegions: ['lower-back'] },
  'neck-pain': { diagnosisCodes: ['M54.2'], payer: 'commercial', bodyRegions: ['neck', 'upper-back'] },
  'oncology-lymphedema': { diagnosisCodes: ['I89.0', 'Z85.3'], payer: 'commercial', cancerHistory: true, bodyRegions: ['arm-left'] },
  'dvt-at-intake': { diagnosisCodes: ['M79.661'], payer: 'medicare', bodyRegions: ['leg-left'] },
  warfarin: { diagnosisCodes: ['M54.6', 'I48.91'], payer: 'medicare', bodyRegions: ['upper-back'] },
  'post-surgical': { diagnosisCodes: ['M25.511', 'Z96.611'], payer: 'commercial', bodyRegions: ['upper-back', 'neck'] },
  pregnancy: { diagnosisCodes: ['O26.891', 'M54.50'], payer: 'medicare', bodyRegions: ['lower-back'] },
  'bad-npi': { diagnosisCodes: ['M54.50'], payer: 'commercial', npi: badNpi },
};

export const demoCases = Object.keys(caseReferrals) as DemoCase[];

export const demoReferral = (departmentId: string, runId: string, kase: DemoCase, calendar: DemoCalendar): Referral => {
  const spec = caseReferrals[kase];
  const payers = demoPayerIds(departmentId);
  const index = demoCases.indexOf(kase) + 1;
  return {
    referralId: `${runId}-${kase}`,
    patient: {
      mrn: `${runId}-mrn-${index}`,
      name: `Demo Patient ${index}`,
      birthDate: kase === 'pregnancy' ? '1994-05-12' : '1961-09-23',
      sex: 'female',
      stateOfResidence: 'MD',
    },
    referringProvider: { ...referringPhysician, npi: spec.npi ?? validNpi },
    diagnosisCodes: spec.diagnosisCodes,
    orderedService: 'clinical massage therapy',
    referralDate: calendar.referralDate,
    payer: { payerId: payers[spec.payer], memberId: `${runId}-member-${index}` },
    ...(spec.bodyRegions === undefined ? {} : { bodyRegions: spec.bodyRegions }),
    ...(spec.cancerHistory === undefined ? {} : { cancerHistory: spec.cancerHistory }),
  };
};
