/** The no-show rule (docs/clinical-rules.md §7): consecutive no-shows prompt a discharge decision, never a discharge. */
import type { DepartmentSettings } from '../settings';

/** Prompt once, on the no-show that reaches the limit; an attended session starts the count again. */
export const isNoShowPromptDue = (consecutiveNoShows: number, settings: DepartmentSettings): boolean =>
  consecutiveNoShows === settings.noShowPromptAfter;
