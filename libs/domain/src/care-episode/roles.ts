/**
 * Who may issue which command (docs/clinical-rules.md, "Who may do what"). The actor's role comes from a
 * verified token at the edge; the domain only answers whether that role may ask for this.
 * `system` is the episode's own workflow (timers, routing); no one outside it may act as `system`.
 */
import { DomainError, type Refusal } from '../errors';
import type { CareEpisodeCommandType } from './commands';

export const careRoles = [
  'therapist',
  'department-lead',
  'scheduler',
  'billing',
  'referring-physician',
  /** The hospital's EHR interface engine: inbound referrals and physicians' clearances and signatures. */
  'ehr-feed',
  'system',
] as const;
export type CareRole = (typeof careRoles)[number];

const systemRole = 'system' satisfies CareRole;

/** The one place that says which role may issue which command. */
export const rolesPermittedTo: { readonly [T in CareEpisodeCommandType]: readonly CareRole[] } = {
  ReceiveReferral: ['scheduler', 'department-lead', 'ehr-feed'],
  RouteReferral: ['system'],
  OfferToTherapist: ['department-lead'],
  AcceptOffer: ['therapist', 'department-lead'],
  DeclineOffer: ['therapist', 'department-lead'],
  EscalateReferral: ['therapist', 'scheduler', 'department-lead', 'system'],
  DeclineReferral: ['department-lead'],
  RecordIntake: ['therapist'],
  FlagContraindication: ['therapist'],
  RequestClearance: ['therapist', 'department-lead'],
  // A clearance letter that reaches the department by hand is recorded by its lead.
  GrantClearance: ['referring-physician', 'ehr-feed', 'department-lead'],
  PlaceOnHold: ['therapist', 'department-lead'],
  ResumeEpisode: ['therapist', 'department-lead'],
  RecordAssessment: ['therapist'],
  EstablishPlanOfCare: ['therapist'],
  RevisePlanOfCare: ['therapist'],
  // The signed plan comes back from the physician directly, through the EHR, or by hand to the department.
  CertifyPlanOfCare: ['referring-physician', 'ehr-feed', 'department-lead', 'therapist'],
  SignVerbalOrder: ['referring-physician', 'ehr-feed', 'department-lead', 'therapist'],
  RecertifyPlanOfCare: ['referring-physician', 'ehr-feed', 'department-lead', 'therapist'],
  // A renewed order arrives like the referral did, or from the physician directly.
  RenewOrder: ['referring-physician', 'ehr-feed', 'scheduler', 'department-lead'],
  // Authorizations are obtained from the payer by the front desk or billing office.
  RecordAuthorization: ['billing', 'scheduler', 'department-lead'],
  RecordSession: ['therapist'],
  PauseSession: ['therapist'],
  ResumeSession: ['therapist'],
  CancelSession: ['therapist', 'scheduler'],
  RecordNoShow: ['therapist', 'scheduler'],
  SignNote: ['therapist'],
  AddAddendum: ['therapist'],
  RecordProgressReport: ['therapist'],
  RecordReevaluation: ['therapist'],
  DecideAfterPlateau: ['therapist', 'department-lead'],
  DischargeEpisode: ['therapist'],
  CancelEpisode: ['department-lead'],
  // The billing consumer computes charges and states when they cross a therapy threshold.
  RecordTherapyThresholdCrossing: ['billing'],
  MarkDeadlinePassed: ['system'],
  RecordRefusedClearanceSignal: ['system'],
};

/** Commands only the episode's own workflow sends; refused whenever they arrive from outside. */
export const isSystemOnlyCommand = (type: CareEpisodeCommandType): boolean => rolesPermittedTo[type].every((role) => role === systemRole);

/**
 * A command that reached the episode from outside (an Update) may neither be one only the workflow
 * sends nor claim to come from the workflow: `system` is never a role a person or feed can hold.
 */
export const outsideSenderRefusal = (type: CareEpisodeCommandType, role: string): Refusal => {
  if (isSystemOnlyCommand(type)) {
    return new DomainError('SYSTEM_ONLY_COMMAND', `${type} is sent by the episode itself, never from outside.`, { commandType: type });
  }
  if (role === systemRole) {
    return new DomainError('SYSTEM_ONLY_COMMAND', 'Only the episode itself acts in the system role.', { commandType: type });
  }
  return undefined;
};

export const isCareRole = (role: string): role is CareRole => careRoles.some((careRole) => careRole === role);

/** An unknown role is not echoed back: it came from outside and could carry anything. */
export const roleRefusal = (type: CareEpisodeCommandType, role: string): Refusal => {
  if (isCareRole(role) && rolesPermittedTo[type].includes(role)) return undefined;
  const who = isCareRole(role) ? `The ${role} role` : 'A role Careflow does not know';
  return new DomainError('ROLE_NOT_PERMITTED', `${who} may not ${type}; it is for ${rolesPermittedTo[type].join(' or ')}.`, {
    commandType: type,
  });
};
