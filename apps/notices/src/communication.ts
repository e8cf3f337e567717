/**
 * A closed-loop notice as a FHIR R4 Communication to the referring provider (docs/notices.md): the
 * patient (contained, for matching on their side), the referral's Task with its status (contained),
 * and the notice's content as text. Pure: the content was read from the store by the caller.
 */
import type { Communication, CommunicationPayload, Patient, Task } from 'fhir/r4';
import type {
  EpisodeCancelled,
  EpisodeDischarged,
  Patient as ReferralPatient,
  Practitioner,
  ProgressReportRecorded,
  ReferralDeclined,
  ReferringProviderNoticeIssued,
} from '@careflow/domain';

export type NoticeKind = ReferringProviderNoticeIssued['notice'];

/** The part of a notice that only some kinds carry: the event the notice tells about, as the domain recorded it. */
export type NoticeDetails =
  | { readonly notice: 'referral-accepted' | 'order-renewed' | 'authorization-recorded' }
  | { readonly notice: 'referral-declined'; readonly declined: Pick<ReferralDeclined, 'reason'> }
  | {
      readonly notice: 'progress-report';
      readonly report: Pick<ProgressReportRecorded, 'reportedOn' | 'measures' | 'goals' | 'narrative' | 'planChange'>;
    }
  | {
      readonly notice: 'discharge-summary';
      readonly discharge: Pick<EpisodeDischarged, 'dischargedOn' | 'reason' | 'reasonText' | 'summary'>;
    }
  | { readonly notice: 'episode-cancelled'; readonly cancelled: Pick<EpisodeCancelled, 'reason'> };

/** Everything one notice needs, PHI included: held in memory for the delivery, never logged nor stored. */
export type NoticeContent = NoticeDetails & {
  readonly noticeId: string;
  readonly episodeId: string;
  readonly referralId: string;
  readonly issuedAt: string;
  readonly patient: Pick<ReferralPatient, 'mrn' | 'name' | 'birthDate' | 'sex'>;
  readonly referringProvider: Practitioner;
};

/** Careflow's own identifier systems and codes. */
export const careflowSystem = (name: string): string => `urn:careflow:${name}`;
export const noticeIdentifierSystem = careflowSystem('referrer-notice');
export const referralIdentifierSystem = careflowSystem('referral');
const npiSystem = 'http://hl7.org/fhir/sid/us-npi';
const patientReference = '#patient';
const taskReference = '#referral-task';

/** The referral's Task status once the notice is sent: where the referral stands for the referrer. */
export const referralTaskStatus = (notice: NoticeKind): Task['status'] => {
  switch (notice) {
    case 'referral-accepted':
      return 'accepted';
    case 'referral-declined':
      return 'rejected';
    case 'order-renewed':
    case 'authorization-recorded':
    case 'progress-report':
      return 'in-progress';
    case 'discharge-summary':
      return 'completed';
    case 'episode-cancelled':
      return 'cancelled';
  }
};

const noticeTitles: { readonly [K in NoticeKind]: string } = {
  'referral-accepted': 'Referral accepted',
  'referral-declined': 'Referral declined',
  'order-renewed': 'Order renewed',
  'authorization-recorded': 'Authorization recorded',
  'progress-report': 'Progress report',
  'discharge-summary': 'Discharge summary',
  'episode-cancelled': 'Episode cancelled',
};

const text = (contentString: string): CommunicationPayload => ({ contentString });

const payloadOf = (details: NoticeDetails): CommunicationPayload[] => {
  switch (details.notice) {
    case 'referral-accepted':
      return [text('The referral was accepted by a therapist of the department; care begins with the intake.')];
    case 'order-renewed':
      return [text('The order was renewed.')];
    case 'authorization-recorded':
      return [text('An authorization of visits was recorded for this referral.')];
    case 'referral-declined':
      return [text('The referral was declined.'), text(`Reason: ${details.declined.reason}`)];
    case 'episode-cancelled':
      return [text('The episode of care was cancelled.'), text(`Reason: ${details.cancelled.reason}`)];
    case 'progress-report': {
      const { report } = details;
      return [
        text(`Progress report of ${report.reportedOn}.`),
        text(report.narrative),
        ...(report.planChange === undefined ? [] : [text(`Plan change: ${report.planChange}`)]),
        ...report.measures.map((m) => text(`Measure ${m.measure}: ${m.value}`)),
        ...report.goals.map((g) => text(`Goal ${g.goalId} (${g.measure}): ${g.value}, ${g.status}`)),
      ];
    }
    case 'discharge-summary': {
      const { dischargedOn, reason, reasonText, summary } = details.discharge;
      return [
        text(`Discharged on ${dischargedOn}; reason: ${reason}${reasonText === undefined ? '' : ` (${reasonText})`}.`),
        ...(summary.narrative === undefined ? [] : [text(summary.narrative)]),
        ...summary.measures.map((m) =>
          text(
            `Measure ${m.measure}: baseline ${m.baseline}, at discharge ${m.atDischarge}, improvement ${m.improvement}` +
              (m.clinicallyImportant ? ', clinically important' : ', not clinically important'),
          ),
        ),
        ...summary.goals.map((g) => text(`Goal ${g.goalId} (${g.measure}, target ${g.target}): ${g.status}`)),
        text(`Sessions delivered: ${summary.sessionsDelivered}; no-shows: ${summary.noShows}; cancellations: ${summary.cancellations}.`),
      ];
    }
  }
};

export interface Sender {
  /** The facility a deployment serves: the sender, and the system of the MRN. */
  readonly facilityId: string;
}

/** The notice as the Communication the referrer receives; its identifier is the notice id, so a retry can be deduplicated. */
export const referrerCommunication = (content: NoticeContent, sender: Sender): Communication => {
  const referral = { system: referralIdentifierSystem, value: content.referralId };
  const facility = { type: 'Organization', identifier: { system: careflowSystem('facility'), value: sender.facilityId } };
  const patient: Patient = {
    resourceType: 'Patient',
    id: patientReference.slice(1),
    identifier: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
        system: careflowSystem(`facility:${sender.facilityId}:mrn`),
        value: content.patient.mrn,
      },
    ],
    name: [{ text: content.patient.name }],
    birthDate: content.patient.birthDate,
    gender: content.patient.sex,
  };
  const task: Task = {
    resourceType: 'Task',
    id: taskReference.slice(1),
    status: referralTaskStatus(content.notice),
    intent: 'order',
    basedOn: [{ type: 'ServiceRequest', identifier: referral }],
    for: { reference: patientReference },
    owner: facility,
    lastModified: content.issuedAt,
  };
  const title = noticeTitles[content.notice];
  return {
    resourceType: 'Communication',
    contained: [patient, task],
    identifier: [{ system: noticeIdentifierSystem, value: content.noticeId }],
    basedOn: [{ type: 'ServiceRequest', identifier: referral }],
    status: 'completed',
    category: [{ coding: [{ system: careflowSystem('referrer-notice-kind'), code: content.notice, display: title }], text: title }],
    subject: { reference: patientReference },
    about: [{ reference: taskReference }],
    sent: content.issuedAt,
    recipient: [
      {
        type: 'Practitioner',
        identifier: { system: npiSystem, value: content.referringProvider.npi },
        display: `${content.referringProvider.name}, ${content.referringProvider.credential}`,
      },
    ],
    sender: facility,
    payload: payloadOf(content),
  };
};
