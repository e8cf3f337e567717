/**
 * The clinical records an episode is made of, as commands carry them and events keep them.
 * Plain JSON data only: they travel through Temporal, PostgreSQL and Kafka.
 */
import type { IsoDate } from '../calendar';
import type { UntimedCode } from '../billing';
import type { Authorization } from '../rules/authorization';
import type { BodyRegion, Pressure, Technique } from '../rules/catalogue';
import type { RecentSurgery, ScreeningFinding } from '../rules/contraindications';
import type { Medication } from '../rules/screening-lists';
import type { Measurement, OutcomeMeasure } from '../rules/outcome-measures';
import type { SessionLine } from '../rules/notes';

/** Who acted; the API authenticates and authorizes, the domain records. */
export interface Actor {
  readonly userId: string;
  readonly role: string;
}

export interface Patient {
  readonly mrn: string;
  readonly name: string;
  readonly birthDate: IsoDate;
  readonly sex: 'female' | 'male' | 'other' | 'unknown';
  /** Two-letter state code; routing needs a therapist licensed there. */
  readonly stateOfResidence: string;
}

export interface ReferringProvider {
  readonly name: string;
  readonly npi: string;
  readonly credential: string;
}

export interface Payer {
  readonly payerId: string;
  readonly memberId?: string;
}

/** The physician's order (docs/clinical-rules.md §2). */
export interface Referral {
  readonly referralId: string;
  readonly patient: Patient;
  readonly referringProvider: ReferringProvider;
  readonly diagnosisCodes: readonly string[];
  readonly orderedService: string;
  readonly referralDate: IsoDate;
  readonly payer: Payer;
  readonly bodyRegions?: readonly BodyRegion[];
  readonly precautions?: readonly string[];
  readonly authorization?: Authorization;
  readonly priority?: 'routine' | 'urgent';
  /** The physician reports a history of cancer; routing then requires an oncology massage certificate. */
  readonly cancerHistory?: boolean;
}

export interface Intake {
  readonly medicalHistory: readonly string[];
  /** As text or with a class; screening matches anticoagulants and antiplatelets by name or class. */
  readonly medications: ReadonlyArray<string | Medication>;
  readonly allergies: readonly string[];
  /** With date and site, so screening can tell a recent surgery and the site to avoid. */
  readonly recentSurgeries: readonly RecentSurgery[];
  readonly patientGoals: readonly string[];
  /** Asked at intake; pregnancy is a relative precaution. */
  readonly pregnant?: boolean;
  /**
   * Screening findings; each is classified absolute, relative or history by the screening catalogue.
   * In IntakeRecorded they include those derived from medications, surgeries and pregnancy.
   */
  readonly findings: readonly ScreeningFinding[];
}

export interface SpecialTest {
  readonly name: string;
  readonly side: 'left' | 'right' | 'bilateral' | 'not-applicable';
  readonly result: 'positive' | 'negative';
}

export interface RangeOfMotion {
  readonly joint: string;
  readonly motion: string;
  readonly degrees: number;
}

export interface Assessment {
  readonly assessedOn: IsoDate;
  readonly specialTests: readonly SpecialTest[];
  readonly posturalFindings: readonly string[];
  readonly rangeOfMotion: readonly RangeOfMotion[];
  readonly painRegions: readonly BodyRegion[];
  readonly measures: readonly Measurement[];
  /** 97161–97163, by complexity; billed as an untimed evaluation. */
  readonly evaluationCode?: Exclude<UntimedCode, '97164'>;
}

export interface Goal {
  readonly goalId: string;
  readonly description: string;
  readonly measure: OutcomeMeasure;
  readonly baseline: number;
  readonly target: number;
  readonly targetDate: IsoDate;
}

export interface PlanOfCare {
  readonly goals: readonly Goal[];
  /** The measure plateau detection follows; one of the goals' measures. */
  readonly primaryMeasure: OutcomeMeasure;
  readonly techniques: readonly Technique[];
  readonly frequencyPerWeek: number;
  readonly durationWeeks: number;
  readonly precautions: readonly string[];
  /** The regions to be treated, with the referral's; screening judges a fracture's site against them. */
  readonly bodyRegions?: readonly BodyRegion[];
}

/** A physician (or NP/PA) who certifies a plan or clears a contraindication. */
export interface Practitioner {
  readonly name: string;
  readonly npi: string;
  readonly credential: string;
}

/**
 * Pressure on a region. An entry that names its technique is that technique's pressure; one that
 * does not (as all entries did before) stands for every technique of the session on that region.
 */
export interface RegionPressure {
  readonly bodyRegion: BodyRegion;
  readonly pressure: Pressure;
  readonly technique?: Technique;
}

/** A treatment session as documented (docs/clinical-rules.md §7). */
export interface SessionDocumentation {
  readonly date: IsoDate;
  /** The license data is carried so the domain can refuse a session by an expired license. */
  readonly therapist: { readonly therapistId: string; readonly licenseExpiresOn: IsoDate };
  readonly lines: readonly SessionLine[];
  readonly techniques: readonly Technique[];
  readonly pressure: readonly RegionPressure[];
  readonly patientFeedback?: string;
  /** NPRS before and after the session. */
  readonly painBefore?: number;
  readonly painAfter?: number;
  readonly adverseEvents: readonly string[];
  /** The patient pays this visit; it is outside the payer's authorization. */
  readonly selfPay: boolean;
}

/** Added minutes and documentation when a paused session resumes. */
export interface SessionContinuation {
  readonly lines: readonly SessionLine[];
  readonly techniques: readonly Technique[];
  readonly pressure: readonly RegionPressure[];
}
