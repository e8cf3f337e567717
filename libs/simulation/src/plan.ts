/**
 * What a department lead varies between runs (docs/simulation.md): the staffing plan, and the
 * behaviour of the people around the episodes. None of it is a clinical rule: the rules stay in
 * @careflow/domain, which the simulator asks for every decision.
 */
import { z } from 'zod';
import { type ProviderType, specialtyCertificates } from '@careflow/domain';

const providerTypes = [
  'licensed-massage-therapist',
  'physical-therapist',
  'physical-therapist-assistant',
  'occupational-therapist',
  'physician',
] as const satisfies readonly ProviderType[];

const therapistPlanSchema = z.strictObject({
  therapistId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  providerType: z.enum(providerTypes),
  specialtyCertificates: z.array(z.enum(specialtyCertificates)).max(10),
  caseloadLimit: z.int().min(1).max(200),
  sessionsPerDay: z.int().min(1).max(16),
  /** ISO weekdays: 1 is Monday, 7 is Sunday. */
  workingDays: z.array(z.int().min(1).max(7)).min(1).max(7),
});
export type TherapistPlan = z.infer<typeof therapistPlanSchema>;

export const staffingPlanSchema = z.strictObject({
  name: z.string().min(1).max(60),
  therapists: z.array(therapistPlanSchema).min(1).max(200),
});
export type StaffingPlan = z.infer<typeof staffingPlanSchema>;

/** Reads a plan file's JSON; the message names what is wrong, never the value. */
export const parseStaffingPlan = (json: unknown): StaffingPlan => {
  const parsed = staffingPlanSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new Error(`The staffing plan is not valid at: ${where}.`);
  }
  return parsed.data;
};

const weekdays = [1, 2, 3, 4, 5];

const therapist = (therapistId: string, overrides: Partial<TherapistPlan> = {}): TherapistPlan => ({
  therapistId,
  providerType: 'licensed-massage-therapist',
  specialtyCertificates: [],
  caseloadLimit: 25,
  sessionsPerDay: 6,
  workingDays: weekdays,
  ...overrides,
});

/** Therapists t-01 … t-nn of one kind, numbered from `first`. */
const staff = (first: number, count: number, overrides: Partial<TherapistPlan> = {}): TherapistPlan[] =>
  Array.from({ length: count }, (_, index) => therapist(`t-${String(first + index).padStart(2, '0')}`, overrides));

const oncologyCertified: Partial<TherapistPlan> = {
  specialtyCertificates: ['oncology-massage', 'manual-lymph-drainage'],
  caseloadLimit: 18,
};

/** Today's staffing of the example department: two oncology-certified therapists, often full. */
export const currentStaffing: StaffingPlan = {
  name: 'current staffing',
  therapists: [
    ...staff(1, 16),
    ...staff(17, 4, { sessionsPerDay: 7, workingDays: [1, 2, 3, 4] }),
    ...staff(21, 4, { providerType: 'physical-therapist', specialtyCertificates: ['orthopedic'] }),
    ...staff(25, 2, oncologyCertified),
  ],
};

/** The same, plus one more oncology-certified therapist. */
export const oneMoreOncologyTherapist: StaffingPlan = {
  name: 'one more oncology-certified therapist',
  therapists: [...currentStaffing.therapists, ...staff(27, 1, oncologyCertified)],
};

/** A kind of referral the department receives, and how care for it usually goes. */
export interface ReferralKind {
  readonly name: string;
  readonly weight: number;
  readonly diagnosisCodes: readonly string[];
  readonly cancerHistory: boolean;
  readonly bodyRegion: 'lower-back' | 'neck' | 'shoulder-right' | 'arm-left';
  readonly frequencyPerWeek: number;
  readonly durationWeeks: number;
}

/** How the people around the episodes behave; probabilities are per occasion. */
export interface Behaviour {
  readonly referralMix: readonly ReferralKind[];
  readonly payerMix: readonly { readonly weight: number; readonly value: 'medicare-like' | 'commercial' }[];
  readonly urgentShare: number;
  readonly offerAccepted: number;
  readonly offerDeclined: number;
  /** Hours a therapist takes to answer an offer they answer. */
  readonly answerHours: readonly [number, number];
  readonly noShow: number;
  /** A note signed the next evening, after its deadline. */
  readonly noteSignedLate: number;
  /** The physician signs the plan of care after the 30-day deadline. */
  readonly certificationLate: number;
  /** Days the physician usually takes to sign the plan of care. */
  readonly certificationDays: readonly [number, number];
  /** How the primary measure (NPRS) responds to treatment. */
  readonly response: readonly { readonly weight: number; readonly value: TreatmentResponse }[];
}

export type TreatmentResponse = 'meets-goals' | 'partial' | 'plateaus';

export const defaultBehaviour: Behaviour = {
  referralMix: [
    {
      name: 'low-back pain',
      weight: 38,
      diagnosisCodes: ['M54.50'],
      cancerHistory: false,
      bodyRegion: 'lower-back',
      frequencyPerWeek: 2,
      durationWeeks: 6,
    },
    {
      name: 'neck pain',
      weight: 20,
      diagnosisCodes: ['M54.2'],
      cancerHistory: false,
      bodyRegion: 'neck',
      frequencyPerWeek: 2,
      durationWeeks: 6,
    },
    {
      name: 'fibromyalgia',
      weight: 15,
      diagnosisCodes: ['M79.7'],
      cancerHistory: false,
      bodyRegion: 'lower-back',
      frequencyPerWeek: 3,
      durationWeeks: 8,
    },
    {
      name: 'oncology lymphedema',
      weight: 7,
      diagnosisCodes: ['I89.0', 'Z85.3'],
      cancerHistory: true,
      bodyRegion: 'arm-left',
      frequencyPerWeek: 2,
      durationWeeks: 8,
    },
    {
      name: 'shoulder pain',
      weight: 20,
      diagnosisCodes: ['M25.511'],
      cancerHistory: false,
      bodyRegion: 'shoulder-right',
      frequencyPerWeek: 2,
      durationWeeks: 6,
    },
  ],
  payerMix: [
    { weight: 40, value: 'medicare-like' },
    { weight: 60, value: 'commercial' },
  ],
  urgentShare: 0.1,
  offerAccepted: 0.75,
  offerDeclined: 0.1,
  answerHours: [1, 20],
  noShow: 0.07,
  noteSignedLate: 0.04,
  certificationLate: 0.04,
  certificationDays: [1, 10],
  response: [
    { weight: 60, value: 'meets-goals' },
    { weight: 25, value: 'partial' },
    { weight: 15, value: 'plateaus' },
  ],
};
