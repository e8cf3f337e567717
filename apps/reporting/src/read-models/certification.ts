import type { EpisodeEvent } from './read-model';

/**
 * Where the plan's physician certification stands, as the read models show it (docs/clinical-rules.md §6).
 * The domain decides timeliness and deadlines and says so in its events; this only follows them.
 */
export type CertificationStatus =
  /** No plan of care yet. */
  | 'none'
  /** A plan waits for its written certification. */
  | 'awaiting'
  /** A verbal order waits for its signature. */
  | 'verbal-order'
  | 'certified'
  /** Unsigned past its deadline: sessions go on, charges are flagged. */
  | 'delinquent'
  /** A material change of the plan needs a new certification. */
  | 'recertification-required'
  /** The certified period is over: no session until recertified. */
  | 'period-ended';

export const certificationAfter = (current: CertificationStatus, event: EpisodeEvent): CertificationStatus => {
  switch (event.type) {
    case 'PlanOfCareEstablished':
      return current === 'none' ? 'awaiting' : current;
    case 'PlanOfCareRevised':
      return event.data.recertificationRequired ? 'recertification-required' : current;
    case 'VerbalOrderReceived':
      return 'verbal-order';
    case 'PlanOfCareCertified':
    case 'VerbalOrderSigned':
    case 'PlanOfCareRecertified':
      return 'certified';
    case 'CertificationDelinquent':
    case 'VerbalOrderDelinquent':
      return current === 'certified' ? current : 'delinquent';
    case 'CertifiedPeriodEnded':
      return 'period-ended';
    default:
      return current;
  }
};
