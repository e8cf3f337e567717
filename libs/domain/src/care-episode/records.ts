/**
 * The clinical records an episode is made of, as commands carry them and events keep them: each a zod
 * schema (strict, bounded, read-only) and its type inferred from it, so the two cannot drift.
 * Plain JSON data only: they travel through Temporal, PostgreSQL and Kafka.
 */
import { z } from 'zod';
import type { UntimedCode } from '../billing/codes';
import { authorizationSchema } from '../rules/authorization';
import { bodyRegions, bodyRegionSchema, bodyRegionsSchema, pressureLevels, techniques } from '../rules/catalogue';
import { recentSurgerySchema, screeningFindingSchema } from '../rules/contraindications';
import { sessionLineSchema } from '../rules/notes';
import { measurementsSchema, outcomeMeasures } from '../rules/outcome-measures';
import { medicationSchema } from '../rules/screening-lists';
import { boolean, decimal, identifier, integer, isoDate, list, longText, oneOf, record, shortText, texts, uniqueBy } from '../validation';

const id = identifier();

/** Who acted; the API authenticates and authorizes, the domain records. */
export const actorSchema = record({ userId: id, role: identifier(100) });
export type Actor = z.infer<typeof actorSchema>;

export const patientSchema = record({
  mrn: id,
  name: shortText,
  birthDate: isoDate,
  sex: oneOf(['female', 'male', 'other', 'unknown']),
  stateOfResidence: identifier(2).meta({ description: 'Two-letter state code; routing needs a therapist licensed there.' }),
});
export type Patient = z.infer<typeof patientSchema>;

/** A physician (or NP/PA) who refers, certifies a plan or clears a contraindication. */
export const practitionerSchema = record({ name: shortText, npi: identifier(10), credential: identifier(20) });
export type Practitioner = z.infer<typeof practitionerSchema>;
export type ReferringProvider = Practitioner;

export const payerSchema = record({ payerId: id, memberId: id.optional() });
export type Payer = z.infer<typeof payerSchema>;

/** The physician's order (docs/clinical-rules.md §2). */
export const referralSchema = record({
  referralId: id,
  patient: patientSchema,
  referringProvider: practitionerSchema,
  diagnosisCodes: list(identifier(10), { min: 1, max: 12 }),
  orderedService: shortText,
  referralDate: isoDate,
  payer: payerSchema,
  bodyRegions: bodyRegionsSchema.optional(),
  precautions: texts.optional(),
  authorization: authorizationSchema.optional(),
  priority: oneOf(['routine', 'urgent']).optional(),
  cancerHistory: boolean
    .optional()
    .meta({ description: 'The physician reports a history of cancer; routing then requires an oncology massage certificate.' }),
});
export type Referral = z.infer<typeof referralSchema>;

export const intakeSchema = record({
  medicalHistory: texts,
  medications: list(z.union([shortText, medicationSchema]), { max: 100 }).meta({
    description: 'As text or with a class; screening matches anticoagulants and antiplatelets by name or class.',
  }),
  allergies: texts,
  recentSurgeries: list(recentSurgerySchema, { max: 50 }).meta({
    description: 'With date and site, so screening can tell a recent surgery and the site to avoid.',
  }),
  patientGoals: texts,
  pregnant: boolean.optional().meta({ description: 'Asked at intake; pregnancy is a relative precaution.' }),
  findings: uniqueBy(list(screeningFindingSchema, { max: 50 }), 'findingId').meta({
    description:
      'Screening findings; each is classified absolute, relative or history by the screening catalogue. ' +
      'In IntakeRecorded they include those derived from medications, surgeries and pregnancy.',
  }),
});
export type Intake = z.infer<typeof intakeSchema>;

export const specialTestSchema = record({
  name: shortText,
  side: oneOf(['left', 'right', 'bilateral', 'not-applicable']),
  result: oneOf(['positive', 'negative']),
});
export type SpecialTest = z.infer<typeof specialTestSchema>;

export const rangeOfMotionSchema = record({ joint: shortText, motion: shortText, degrees: decimal(0, 360) });
export type RangeOfMotion = z.infer<typeof rangeOfMotionSchema>;

// Re-evaluation (97164) is billed with a re-evaluation, never with the first assessment.
const evaluationCodes = ['97161', '97162', '97163'] as const satisfies readonly UntimedCode[];

export const assessmentSchema = record({
  assessedOn: isoDate,
  specialTests: list(specialTestSchema, { max: 100 }),
  posturalFindings: texts,
  rangeOfMotion: list(rangeOfMotionSchema, { max: 100 }),
  painRegions: bodyRegionsSchema,
  measures: measurementsSchema,
  evaluationCode: oneOf(evaluationCodes).optional().meta({ description: '97161–97163, by complexity; billed as an untimed evaluation.' }),
});
export type Assessment = z.infer<typeof assessmentSchema>;

export const goalSchema = record({
  goalId: id,
  description: shortText,
  measure: oneOf(outcomeMeasures),
  baseline: decimal(0, 100),
  target: decimal(0, 100),
  targetDate: isoDate,
});
export type Goal = z.infer<typeof goalSchema>;

export const planOfCareSchema = record({
  goals: uniqueBy(list(goalSchema, { min: 1, max: 20 }), 'goalId'),
  primaryMeasure: oneOf(outcomeMeasures).meta({ description: "The measure plateau detection follows; one of the goals' measures." }),
  techniques: list(oneOf(techniques), { min: 1, max: techniques.length }),
  frequencyPerWeek: integer(1, 7),
  durationWeeks: integer(1, 52),
  precautions: texts,
  bodyRegions: bodyRegionsSchema
    .optional()
    .meta({ description: "The regions to be treated, with the referral's; screening judges a fracture's site against them." }),
});
export type PlanOfCare = z.infer<typeof planOfCareSchema>;

/**
 * Pressure on a region. An entry that names its technique is that technique's pressure; one that
 * does not (as all entries did before) stands for every technique of the session on that region.
 */
export const regionPressureSchema = record({
  bodyRegion: bodyRegionSchema,
  pressure: oneOf(pressureLevels),
  technique: oneOf(techniques).optional(),
});
export type RegionPressure = z.infer<typeof regionPressureSchema>;

/** One entry per region, or per region and technique. */
const pressures = list(regionPressureSchema, { max: bodyRegions.length * techniques.length });
const sessionTechniques = list(oneOf(techniques), { max: techniques.length });
const nprs = integer(0, 10).optional();
/** A session's billed lines, as documented or as an addendum corrects them. */
export const sessionLinesSchema = list(sessionLineSchema, { min: 1, max: 20 });

/** A treatment session as documented (docs/clinical-rules.md §7). */
export const sessionDocumentationSchema = record({
  date: isoDate,
  therapist: record({ therapistId: id, licenseExpiresOn: isoDate }).meta({
    description: 'The license data is carried so the domain can refuse a session by an expired license.',
  }),
  lines: sessionLinesSchema,
  techniques: sessionTechniques,
  pressure: pressures,
  patientFeedback: longText.optional(),
  painBefore: nprs.meta({ description: 'NPRS before the session.' }),
  painAfter: nprs.meta({ description: 'NPRS after the session.' }),
  adverseEvents: texts,
  selfPay: boolean.meta({ description: "The patient pays this visit; it is outside the payer's authorization." }),
});
export type SessionDocumentation = z.infer<typeof sessionDocumentationSchema>;

/** Added minutes and documentation when a paused session resumes. */
export const sessionContinuationSchema = record({
  lines: list(sessionLineSchema, { max: 20 }),
  techniques: sessionTechniques,
  pressure: pressures,
});
export type SessionContinuation = z.infer<typeof sessionContinuationSchema>;
