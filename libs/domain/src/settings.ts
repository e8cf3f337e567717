import { defaultRoutingSettings, type RoutingSettings } from './routing';

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
