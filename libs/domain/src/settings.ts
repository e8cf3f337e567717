import { defaultRoutingSettings, type RoutingSettings } from './routing';
import { decimal, integer, nullable, object, type Schema } from './validation';

/**
 * The department's and payer's choices among the rules (the numbers CLINICAL-RULES marks as settings).
 * Always passed in explicitly; nothing in the domain reads a global.
 */
export interface DepartmentSettings {
  /** An order older than this many days needs renewal before care starts (§2). */
  readonly referralValidityDays: number;
  /** Minimal clinically important differences the department may tune (§5); NPRS and PSFS are fixed. */
  readonly mcid: { readonly ODI: number; readonly NDI: number };
  /** "Or 30 calendar days, whichever comes first" for progress reports (§8); null when off. */
  readonly progressReportCalendarDays: number | null;
  /** Consecutive no-shows that prompt a discharge decision for non-adherence (§7). */
  readonly noShowPromptAfter: number;
  /** Age after which an unsigned note shows on the compliance view (§11). */
  readonly unsignedNoteHours: number;
  /** Caseload limit, offer timeout and offer count used when routing a referral (§3). */
  readonly routing: RoutingSettings;
}

export const defaultDepartmentSettings: DepartmentSettings = {
  referralValidityDays: 90,
  mcid: { ODI: 10, NDI: 7 },
  progressReportCalendarDays: null,
  noShowPromptAfter: 3,
  unsignedNoteHours: 24,
  routing: defaultRoutingSettings,
};

/**
 * Bounds a department's settings must keep: wide enough for any payer's contract, narrow enough that a
 * slip of the keyboard (0 days, 10 000 hours) cannot switch a rule off.
 */
const departmentSettingsSchema: Schema<DepartmentSettings> = object<DepartmentSettings>({
  referralValidityDays: integer(1, 365),
  mcid: object<DepartmentSettings['mcid']>({ ODI: decimal(1, 50), NDI: decimal(1, 50) }),
  progressReportCalendarDays: nullable(integer(1, 90)),
  noShowPromptAfter: integer(1, 20),
  unsignedNoteHours: integer(1, 24 * 14),
  routing: object<RoutingSettings>({ caseloadLimit: integer(1, 200), offerTimeoutHours: decimal(1, 24 * 14), maxOffers: integer(1, 20) }),
});

/** The first problem with a department's settings ("settings.routing.maxOffers must be …"), or undefined. */
export const departmentSettingsProblem = (value: unknown): string | undefined => departmentSettingsSchema(value, 'settings');
