/**
 * Minimum necessary (docs/api-reads.md#minimum-necessary): a caller without `episode:note-text` gets the
 * episode without its free text — intake history, assessment findings in words, plan precautions and
 * goal wording, session feedback and adverse events. Codes, dates, counts and measures stay.
 */
import type { CareEpisodeState, Visit } from '@careflow/domain';

const withoutVisitText = (visit: Visit): Visit =>
  visit.kind === 'session' ? { ...visit, documentation: { ...visit.documentation, patientFeedback: undefined, adverseEvents: [] } } : visit;

export const withoutNoteText = (state: CareEpisodeState): CareEpisodeState => ({
  ...state,
  ...(state.referral && { referral: { ...state.referral, precautions: undefined } }),
  ...(state.intake && {
    intake: { ...state.intake, medicalHistory: [], medications: [], allergies: [], recentSurgeries: [], patientGoals: [] },
  }),
  ...(state.assessment && { assessment: { ...state.assessment, posturalFindings: [], specialTests: [] } }),
  ...(state.plan && {
    plan: { ...state.plan, precautions: [], goals: state.plan.goals.map((goal) => ({ ...goal, description: '' })) },
  }),
  visits: state.visits.map(withoutVisitText),
});
