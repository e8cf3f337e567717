import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import { episodeStory, storedStory } from '../testing/episode-story';
import type { EpisodeCharge } from '../billing-read/billing-reads';
import { buildAuditPacket, packetParts } from './audit-packet';
import { chartOf, chartSections } from './chart';
import { chartPdf } from './chart-pdf';

const story = episodeStory();
const part = (zip: JSZip, name: string): JSZip.JSZipObject => {
  const file = zip.file(name);
  if (file === null) throw new Error(`the packet has no ${name}`);
  return file;
};
const stored = storedStory(story);
const charge: EpisodeCharge = {
  serviceDate: '2025-03-07',
  version: 1,
  payerId: 'payer-1',
  therapistId: 't-1',
  providerType: null,
  lines: [
    {
      code: '97140',
      minutes: 30,
      units: 2,
      bodyRegions: ['lower-back'],
      diagnosisCodes: ['M54.50'],
      modifiers: ['GP'],
      billable: true,
      unitPriceCents: 4500,
      amountCents: 9000,
    },
  ],
  billedUnits: 2,
  amountCents: 9000,
  certificationStanding: 'certified',
  held: false,
  flagged: false,
  notesSigned: true,
  kxCrossed: false,
  reviewCrossed: false,
  problem: null,
};

describe('the chart', () => {
  const chart = chartOf(story.episodeId, stored, [charge]);
  const section = (title: (typeof chartSections)[number]) => chart.sections.find((s) => s.title === title)?.entries ?? [];

  it('has every section, and each recorded fact in one of them', () => {
    expect(chart.sections.map((s) => s.title)).toEqual([...chartSections]);
    const entries = chart.sections.filter((s) => s.title !== 'Charges').flatMap((s) => s.entries);
    expect(entries).toHaveLength(story.events.length);
    expect(section('Charges')).toHaveLength(1);
    expect(section('Discharge')).toHaveLength(1);
  });

  it('puts each addendum under its note', () => {
    const headings = section('Notes').map((entry) => entry.heading);
    const session = headings.findIndex((h) => h.includes('Session s-1 '));
    const addendum = headings.findIndex((h) => h.includes('Addendum a-1'));
    const nextSession = headings.findIndex((h) => h.includes('Session s-2 '));
    expect(session).toBeGreaterThanOrEqual(0);
    expect(addendum).toBeGreaterThan(session);
    expect(nextSession).toBeGreaterThan(addendum);
  });

  it('is the full record for the auditor: the patient and the note text', () => {
    const text = JSON.stringify(chart);
    expect(text).toContain(story.patientName);
    expect(text).toContain('felt looser afterwards');
  });
});

describe('the audit packet', () => {
  it('is a zip of the five parts and a manifest, whose PDF parses', async () => {
    const generatedAt = new Date('2025-04-01T12:00:00Z');
    const pdf = await chartPdf(chartOf(story.episodeId, stored, [charge]), { generatedAt });
    const zip = await JSZip.loadAsync(
      await buildAuditPacket({
        episodeId: story.episodeId,
        generatedAt,
        fhirBundle: { resourceType: 'Bundle', type: 'collection', entry: [] },
        auditTrail: [],
        events: [],
        verification: { streamsChecked: 1, eventsChecked: 0, brokenLinks: [] },
        chartPdf: pdf,
      }),
    );
    expect(Object.keys(zip.files).sort()).toEqual(Object.values(packetParts).sort());
    const parsed = await PDFDocument.load(await part(zip, packetParts.chart).async('uint8array'));
    expect(parsed.getPageCount()).toBeGreaterThan(0);
    expect(parsed.getTitle()).toBe(`Chart of episode ${story.episodeId}`);
    const manifest = JSON.parse(await part(zip, packetParts.manifest).async('string')) as { parts: Array<{ name: string }> };
    expect(manifest.parts.map((p) => p.name)).toHaveLength(5);
  });

  it('says so in the manifest when the FHIR Bundle is left out', async () => {
    const zip = await JSZip.loadAsync(
      await buildAuditPacket({
        episodeId: story.episodeId,
        generatedAt: new Date(),
        auditTrail: [],
        events: [],
        verification: { streamsChecked: 0, eventsChecked: 0, brokenLinks: [] },
        chartPdf: Buffer.from('%PDF-1.3'),
      }),
    );
    expect(zip.file(packetParts.fhirBundle)).toBeNull();
    const manifest = JSON.parse(await part(zip, packetParts.manifest).async('string')) as { omitted: Array<{ name: string }> };
    expect(manifest.omitted[0]?.name).toBe(packetParts.fhirBundle);
  });
});
