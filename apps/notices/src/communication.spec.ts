import type { Patient, Task } from 'fhir/r4';
import { referralTaskStatus, referrerCommunication, type NoticeContent, type NoticeKind } from './communication';

const common = {
  noticeId: '0b3f6c1e-6a8e-4c36-9d1f-3f7c2a1b9e10',
  episodeId: 'episode-1',
  referralId: 'referral-1',
  issuedAt: '2025-03-20T17:00:00.000Z',
  patient: { mrn: 'mrn-1', name: 'Test Patient', birthDate: '1970-01-01', sex: 'female' as const },
  referringProvider: { name: 'Dr. Referrer', npi: '1234567893', credential: 'MD' },
};

const contents: { readonly [K in NoticeKind]: NoticeContent } = {
  'referral-accepted': { ...common, notice: 'referral-accepted' },
  'referral-declined': { ...common, notice: 'referral-declined', declined: { reason: 'outside our scope' } },
  'order-renewed': { ...common, notice: 'order-renewed' },
  'authorization-recorded': { ...common, notice: 'authorization-recorded' },
  'progress-report': {
    ...common,
    notice: 'progress-report',
    report: {
      reportedOn: '2025-03-20',
      measures: [{ measure: 'NPRS', value: 4 }],
      goals: [{ goalId: 'goal-pain', measure: 'NPRS', value: 4, status: 'improving' }],
      narrative: 'Sleeps better.',
    },
  },
  'discharge-summary': {
    ...common,
    notice: 'discharge-summary',
    discharge: {
      dischargedOn: '2025-04-25',
      reason: 'goals-met',
      summary: {
        measures: [{ measure: 'NPRS', baseline: 7, atDischarge: 2, improvement: 5, clinicallyImportant: true }],
        goals: [{ goalId: 'goal-pain', measure: 'NPRS', target: 2, status: 'achieved' }],
        sessionsDelivered: 8,
        noShows: 1,
        cancellations: 0,
      },
    },
  },
  'episode-cancelled': { ...common, notice: 'episode-cancelled', cancelled: { reason: 'moved away' } },
};

const expectedTaskStatus: { readonly [K in NoticeKind]: Task['status'] } = {
  'referral-accepted': 'accepted',
  'referral-declined': 'rejected',
  'order-renewed': 'in-progress',
  'authorization-recorded': 'in-progress',
  'progress-report': 'in-progress',
  'discharge-summary': 'completed',
  'episode-cancelled': 'cancelled',
};

describe('a notice as a FHIR R4 Communication', () => {
  it.each(Object.keys(contents) as NoticeKind[])(
    '%s: the referral’s Task status, the patient, the referrer and the notice id',
    (notice) => {
      const communication = referrerCommunication(contents[notice], { facilityId: 'main-hospital' });
      expect(referralTaskStatus(notice)).toBe(expectedTaskStatus[notice]);
      const task = communication.contained?.find((resource): resource is Task => resource.resourceType === 'Task');
      const patient = communication.contained?.find((resource): resource is Patient => resource.resourceType === 'Patient');
      expect(task).toMatchObject({ status: expectedTaskStatus[notice], intent: 'order', for: { reference: '#patient' } });
      expect(patient).toMatchObject({
        identifier: [{ value: 'mrn-1', system: 'urn:careflow:facility:main-hospital:mrn' }],
        name: [{ text: 'Test Patient' }],
      });
      expect(communication).toMatchObject({
        resourceType: 'Communication',
        status: 'completed',
        identifier: [{ system: 'urn:careflow:referrer-notice', value: common.noticeId }],
        basedOn: [{ type: 'ServiceRequest', identifier: { system: 'urn:careflow:referral', value: 'referral-1' } }],
        subject: { reference: '#patient' },
        about: [{ reference: '#referral-task' }],
        sent: common.issuedAt,
        recipient: [{ identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' } }],
        category: [{ coding: [{ code: notice }] }],
      });
      // Every contained resource is referenced from the Communication (FHIR's rule for contained resources).
      const references = JSON.stringify(communication);
      for (const resource of communication.contained ?? []) expect(references).toContain(`"#${resource.id ?? ''}"`);
      expect(communication.payload?.length).toBeGreaterThan(0);
    },
  );

  it('carries a progress report as recorded and a discharge summary with its outcomes', () => {
    const report = referrerCommunication(contents['progress-report'], { facilityId: 'main-hospital' });
    expect(report.payload?.map((part) => part.contentString)).toEqual([
      'Progress report of 2025-03-20.',
      'Sleeps better.',
      'Measure NPRS: 4',
      'Goal goal-pain (NPRS): 4, improving',
    ]);
    const discharge = referrerCommunication(contents['discharge-summary'], { facilityId: 'main-hospital' });
    expect(discharge.payload?.map((part) => part.contentString)).toEqual([
      'Discharged on 2025-04-25; reason: goals-met.',
      'Measure NPRS: baseline 7, at discharge 2, improvement 5, clinically important',
      'Goal goal-pain (NPRS, target 2): achieved',
      'Sessions delivered: 8; no-shows: 1; cancellations: 0.',
    ]);
  });
});
