/**
 * The read routes on the real stack (PostgreSQL, Temporal): each answers its permitted role, refuses
 * another department with 404 and a role without the operation with 403, writes one audit record per
 * request, and never lets the patient's name or MRN into an error body or a log line.
 */
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import type { Principal } from '@careflow/auth';
import { episodeStory, type EpisodeStory } from './testing/episode-story';
import { principal, startReadsApp, type ReadsApp } from './testing/reads-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the read routes', () => {
  let app: ReadsApp;
  const own = `dept-${randomUUID().slice(0, 8)}`;
  const other = `dept-${randomUUID().slice(0, 8)}`;
  const closed: EpisodeStory = episodeStory();
  const open: EpisodeStory = episodeStory({ closed: false });
  const therapistOwn = `t-${randomUUID().slice(0, 8)}`;
  const therapistOther = `t-${randomUUID().slice(0, 8)}`;
  let beforeDischarge: string;
  const errorBodies: string[] = [];

  const as = {
    therapist: principal('therapist', [own]),
    billing: principal('billing', [own]),
    scheduler: principal('scheduler', [own]),
    lead: principal('department-lead', [own]),
    auditor: principal('auditor', []),
    otherTherapist: principal('therapist', [other]),
  };

  /** One request, the audit records it wrote, and its body (error bodies kept for the PHI canary). */
  const call = async (path: string, who: Principal | undefined) => {
    const before = await app.auditCount();
    const response = await app.get(path, who);
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status >= 400) errorBodies.push(body.toString('utf8'));
    const audited = (await app.auditCount()) - before;
    // Every read route touches PHI or its metadata: exactly one record per request, whatever the answer.
    expect(audited).toBe(1);
    return { status: response.status, body, json: () => JSON.parse(body.toString('utf8')) as Record<string, unknown>, audited, response };
  };

  beforeAll(async () => {
    app = await startReadsApp();
    await app.appendEvents(closed.episodeId, own, 0, closed.events.slice(0, closed.beforeDischarge));
    await sleep(50);
    beforeDischarge = new Date().toISOString();
    await sleep(50);
    await app.appendEvents(closed.episodeId, own, closed.beforeDischarge, closed.events.slice(closed.beforeDischarge));
    await app.register({ episodeId: closed.episodeId, departmentId: own, therapistId: therapistOwn, status: 'finished' });
    await app.appendEvents(open.episodeId, other, 0, open.events);
    await app.register({ episodeId: open.episodeId, departmentId: other, therapistId: therapistOther, status: 'active' });
  });

  afterAll(async () => {
    await app.close();
  });

  describe('GET /episodes/{id}', () => {
    it('answers a closed episode folded from the event store, with note text for a therapist', async () => {
      const answer = await call(`/episodes/${closed.episodeId}`, as.therapist);
      expect(answer.status).toBe(200);
      expect(answer.audited).toBe(1);
      const body = answer.json();
      expect(body).toMatchObject({ episodeId: closed.episodeId, status: 'finished', source: 'event-store', version: closed.events.length });
      expect(answer.body.toString()).toContain('felt looser afterwards');
    });

    it('answers billing without note text', async () => {
      const answer = await call(`/episodes/${closed.episodeId}`, as.billing);
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).not.toContain('felt looser afterwards');
    });

    it('answers the state at a past moment: before the discharge', async () => {
      const answer = await call(`/episodes/${closed.episodeId}?asOf=${encodeURIComponent(beforeDischarge)}`, as.therapist);
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ status: 'active', version: closed.beforeDischarge, asOf: beforeDischarge });
    });

    it('refuses a malformed asOf with 400 naming the field', async () => {
      const answer = await call(`/episodes/${closed.episodeId}?asOf=yesterday`, as.therapist);
      expect(answer.status).toBe(400);
      expect(answer.json()['errors']).toEqual([expect.objectContaining({ path: 'asOf' })]);
    });

    it('answers an episode of another department exactly like an unknown one: 404, audited as denied', async () => {
      const foreign = await call(`/episodes/${open.episodeId}`, as.therapist);
      expect(foreign.status).toBe(404);
      expect(foreign.audited).toBe(1);
      expect(await app.lastAudit()).toMatchObject({ operation: 'episode:read', outcome: 'denied', resource_id: open.episodeId });
      const unknown = await call(`/episodes/${randomUUID()}`, as.therapist);
      expect(unknown.status).toBe(404);
      const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
      expect(strip(foreign.json())).toEqual(strip(unknown.json()));
    });

    it('answers an open episode of the caller’s own department', async () => {
      const answer = await call(`/episodes/${open.episodeId}`, as.otherTherapist);
      expect(answer.status).toBe(200);
      expect(answer.json()).toMatchObject({ status: 'active' });
    });
  });

  describe('GET /episodes/{id}/timeline', () => {
    it('words every event; a scheduler gets no note text', async () => {
      const therapist = await call(`/episodes/${closed.episodeId}/timeline`, as.therapist);
      expect(therapist.status).toBe(200);
      expect((therapist.json()['entries'] as unknown[]).length).toBe(closed.events.length);
      const scheduler = await call(`/episodes/${closed.episodeId}/timeline`, as.scheduler);
      expect(scheduler.status).toBe(200);
      expect(scheduler.body.toString()).not.toContain('felt looser afterwards');
    });

    it('refuses billing, whose role has no timeline: 403, audited as denied', async () => {
      const answer = await call(`/episodes/${closed.episodeId}/timeline`, as.billing);
      expect(answer.status).toBe(403);
      expect(answer.audited).toBe(1);
      expect(await app.lastAudit()).toMatchObject({ operation: 'episode:timeline', outcome: 'denied' });
    });
  });

  describe('lists', () => {
    const ids = (body: Record<string, unknown>) => (body['items'] as Array<Record<string, unknown>>).map((item) => item['episodeId']);

    it('GET /episodes lists the caller’s departments only, with filters', async () => {
      const all = await call('/episodes', as.therapist);
      expect(all.status).toBe(200);
      expect(ids(all.json())).toContain(closed.episodeId);
      expect(ids(all.json())).not.toContain(open.episodeId);
      expect(ids((await call(`/episodes?status=active`, as.therapist)).json())).not.toContain(closed.episodeId);
      expect(ids((await call(`/episodes?therapist=${therapistOwn}`, as.therapist)).json())).toEqual([closed.episodeId]);
      expect((await call('/episodes?status=lost', as.therapist)).status).toBe(400);
      // due: open episodes with a deadline by that day (the seeded certification is due 2025-04-04).
      expect(ids((await call('/episodes?due=2025-04-30', as.otherTherapist)).json())).toEqual([open.episodeId]);
      expect(ids((await call('/episodes?due=2025-04-01', as.otherTherapist)).json())).toEqual([]);
      expect(ids((await call('/episodes?due=2025-04-30', as.therapist)).json())).toEqual([]);
    });

    it('GET /worklists/{kind} lists the department’s work; an unknown kind is 404', async () => {
      const notes = await call('/worklists/unsigned-notes', as.therapist);
      expect(notes.status).toBe(200);
      expect(ids(notes.json())).toContain(closed.episodeId);
      expect(ids(notes.json())).not.toContain(open.episodeId);
      expect((await call('/worklists/everything', as.therapist)).status).toBe(404);
    });

    it('GET /claims and GET /episodes/{id}/charges answer billing', async () => {
      const claims = await call('/claims', as.billing);
      expect(claims.status).toBe(200);
      expect(ids(claims.json())).toEqual([closed.episodeId]);
      const charges = await call(`/episodes/${closed.episodeId}/charges`, as.billing);
      expect(charges.status).toBe(200);
      expect(charges.json()['charges']).toEqual([expect.objectContaining({ serviceDate: '2025-03-07', amountCents: 9000 })]);
      expect((await call(`/episodes/${closed.episodeId}/charges`, as.therapist)).status).toBe(403);
    });

    it('GET /reports/outcomes and /reports/compliance are aggregates of the lead’s department, naming no episode', async () => {
      for (const path of ['/reports/outcomes', '/reports/outcomes?by=therapist', '/reports/compliance']) {
        const answer = await call(path, as.lead);
        expect(answer.status).toBe(200);
        const text = answer.body.toString();
        expect(text).toContain(own);
        expect(text).not.toContain(other);
        expect(text).not.toContain(closed.episodeId);
      }
    });

    it('GET /therapists shows licences, certificates with expiry and caseload', async () => {
      const answer = await call('/therapists', as.lead);
      expect(answer.status).toBe(200);
      expect(answer.json()['therapists']).toEqual([
        expect.objectContaining({
          therapistId: therapistOwn,
          licenses: [expect.objectContaining({ expiresOn: '2027-06-30' })],
          specialtyCertificates: [{ certificate: 'oncology-massage', expiresOn: '2026-01-31' }],
          caseload: expect.objectContaining({ limit: 20 }),
        }),
      ]);
    });
  });

  describe('audit', () => {
    it('GET /audit finds the episode’s records; GET /audit/fhir answers them as BALP AuditEvents', async () => {
      // Up to now: each search is itself recorded under the episode's id.
      const until = encodeURIComponent(new Date().toISOString());
      const records = await call(`/audit?episodeId=${closed.episodeId}&to=${until}`, as.auditor);
      expect(records.status).toBe(200);
      const list = records.json()['records'] as Array<Record<string, unknown>>;
      expect(list.length).toBeGreaterThan(3);
      expect(list.every((record) => (record['what'] as Record<string, unknown>)['resourceId'] === closed.episodeId)).toBe(true);
      const fhir = await call(`/audit/fhir?episodeId=${closed.episodeId}&to=${until}`, as.auditor);
      expect(fhir.status).toBe(200);
      expect(fhir.response.headers.get('content-type')).toContain('application/fhir+json');
      const bundle = fhir.json();
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect((bundle['entry'] as unknown[]).length).toBe(list.length);
      expect((await call('/audit', as.lead)).status).toBe(403);
    });

    it('GET /episodes/{id}/audit-packet is a zip of the five parts (FHIR Bundle, audit trail, event stream, chain verification, chart) and a manifest; the PDF parses and the chain verifies', async () => {
      const answer = await call(`/episodes/${closed.episodeId}/audit-packet`, as.auditor);
      expect(answer.status).toBe(200);
      expect(answer.response.headers.get('content-type')).toBe('application/zip');
      const zip = await JSZip.loadAsync(answer.body);
      const text = async (name: string) => {
        const file = zip.file(name);
        if (file === null) throw new Error(`no ${name} in the packet`);
        return file.async('string');
      };
      expect(Object.keys(zip.files).sort()).toEqual([
        'audit-trail.json',
        'chain-verification.json',
        'chart.pdf',
        'event-stream.json',
        'fhir-bundle.json',
        'manifest.json',
      ]);
      const bundle = JSON.parse(await text('fhir-bundle.json')) as {
        resourceType: string;
        entry: Array<{ resource: { resourceType: string } }>;
      };
      expect(bundle.resourceType).toBe('Bundle');
      expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual(
        expect.arrayContaining(['EpisodeOfCare', 'Patient', 'ChargeItem']),
      );
      const verification = JSON.parse(await text('chain-verification.json')) as Record<string, unknown>;
      expect(verification).toMatchObject({ verified: true, eventsChecked: closed.events.length, brokenLinks: [] });
      expect((JSON.parse(await text('event-stream.json')) as unknown[]).length).toBe(closed.events.length);
      expect((JSON.parse(await text('audit-trail.json')) as unknown[]).length).toBeGreaterThan(3);
      const pdf = await PDFDocument.load(await (zip.file('chart.pdf')?.async('uint8array') ?? Promise.resolve(new Uint8Array())));
      expect(pdf.getPageCount()).toBeGreaterThan(0);
      expect((await call(`/episodes/${closed.episodeId}/audit-packet`, as.therapist)).status).toBe(403);
    });

    it('reports a tampered stream in the packet', async () => {
      const tampered = episodeStory({ closed: false });
      await app.appendEvents(tampered.episodeId, own, 0, tampered.events);
      await app.register({ episodeId: tampered.episodeId, departmentId: own, therapistId: therapistOwn, status: 'active' });
      // Past the triggers, as someone holding superuser credentials could.
      await app.superuser.begin(async (tx) => {
        await tx`SET LOCAL session_replication_role = replica`;
        await tx`UPDATE events SET data = jsonb_set(data, '{validThrough}', '"2099-01-01"') WHERE stream_id = ${tampered.episodeId} AND stream_version = 1`;
      });
      const zip = await JSZip.loadAsync((await call(`/episodes/${tampered.episodeId}/audit-packet`, as.auditor)).body);
      const verification = JSON.parse((await zip.file('chain-verification.json')?.async('string')) ?? '{}') as Record<string, unknown>;
      expect(verification).toMatchObject({
        verified: false,
        brokenLinks: [expect.objectContaining({ reason: 'content-changed', streamVersion: 1 })],
      });
    });
  });

  it('PHI canary: no error body and no log line holds a patient’s name or MRN', () => {
    expect(errorBodies.length).toBeGreaterThan(3);
    for (const story of [closed, open]) {
      for (const text of [...errorBodies, ...app.logLines]) {
        expect(text).not.toContain(story.patientName);
        expect(text).not.toContain(story.mrn);
      }
    }
  });
});
