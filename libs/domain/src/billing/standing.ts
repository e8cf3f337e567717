import type { CertificationStanding } from '../rules/certification';

/**
 * The standing an evaluation (97161–97163) or a re-evaluation billed as such carries: certified. The
 * evaluation is what the plan comes from and a re-evaluation is what revises it, so neither waits for
 * the plan's certification (docs/clinical-rules.md §6: the standing is a session's).
 */
export const evaluationCertificationStanding: CertificationStanding = 'certified';

/**
 * A visit that awaited the plan's certification is certified by a timely certification; a late one
 * leaves it awaiting until the episode records it delinquent (docs/clinical-rules.md §6).
 */
export const standingAfterCertification = (standing: CertificationStanding, timely: boolean): CertificationStanding =>
  timely && standing === 'awaiting-certification' ? 'certified' : standing;

/**
 * The standing of a day's charges from its visits' standings: a day with a visit still awaiting
 * certification is held whole (a code is billed once a day, so part of it cannot go out), otherwise a
 * delinquent visit flags the day, otherwise it is certified.
 */
export const dayCertificationStanding = (standings: readonly CertificationStanding[]): CertificationStanding =>
  standings.includes('awaiting-certification') ? 'awaiting-certification' : standings.includes('delinquent') ? 'delinquent' : 'certified';
