import { isTimeZone, type TimeZone } from './calendar';
import { DomainError, type Refusal } from './errors';
import { defaultRoutingSettings, type RoutingSettings } from './routing';
import { z } from 'zod';
import { decimal, firstProblem, integer, record } from './validation';

/**
 * The department's and payer's choices among the rules (the numbers docs/clinical-rules.md marks as settings).
 * Always passed in explicitly; nothing in the domain reads a global.
 */
export interface DepartmentSettings {
  /**
   * The department's IANA time zone: "today", "the same day", treatment days and the day a deadline
   * ends are all the department's local calendar days.
   */
  readonly timeZone: TimeZone;
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

/**
 * Eastern time: the zone of the first departments (the made-up episodes' patients live in Maryland)
 * and of most US hospital patients. A department elsewhere sets its own.
 */
export const defaultDepartmentSettings: DepartmentSettings = {
  timeZone: 'America/New_York',
  referralValidityDays: 90,
  mcid: { ODI: 10, NDI: 7 },
  progressReportCalendarDays: null,
  noShowPromptAfter: 3,
  unsignedNoteHours: 24,
  routing: defaultRoutingSettings,
};

/**
 * Episodes started before departments had a time zone kept their calendar days in UTC; replaying
 * them must decide exactly as they did, so settings recorded without one read as UTC.
 */
export const timeZoneOf = (settings: DepartmentSettings): TimeZone => (settings as Partial<DepartmentSettings>).timeZone ?? 'UTC';

export const departmentSettingsRefusal = (settings: DepartmentSettings): Refusal =>
  isTimeZone(timeZoneOf(settings))
    ? undefined
    : new DomainError(
        'INVALID_SETTINGS',
        "The department's time zone is not a known time-zone name (such as America/New_York); fix the department settings.",
      );

const timeZonePhrase = 'must be a known time-zone name (such as America/New_York)';

/**
 * Bounds a department's settings must keep: wide enough for any payer's contract, narrow enough that a
 * slip of the keyboard (0 days, 10 000 hours) cannot switch a rule off. A missing time zone reads as UTC
 * (see timeZoneOf).
 */
const departmentSettingsSchema = record({
  timeZone: z.string({ error: timeZonePhrase }).refine(isTimeZone, { error: timeZonePhrase }).optional(),
  referralValidityDays: integer(1, 365),
  mcid: record({ ODI: decimal(1, 50), NDI: decimal(1, 50) }),
  progressReportCalendarDays: integer(1, 90).nullable(),
  noShowPromptAfter: integer(1, 20),
  unsignedNoteHours: integer(1, 24 * 14),
  routing: record({ caseloadLimit: integer(1, 200), offerTimeoutHours: decimal(1, 24 * 14), maxOffers: integer(1, 20) }),
});

/** The first problem with a department's settings ("settings.routing.maxOffers must be …"), or undefined. */
export const departmentSettingsProblem = (value: unknown): string | undefined => {
  const parsed = departmentSettingsSchema.safeParse(value);
  return parsed.success ? undefined : firstProblem(parsed.error, 'settings');
};
