/**
 * The auditor's download for one episode (docs/api-reads.md#audit-packet): one zip with the FHIR Bundle,
 * the audit trail, the event stream, the hash-chain verification of that stream and the chart as a PDF,
 * and a manifest with each part's SHA-256 so a copy can be checked later.
 */
import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import type { AuditRecord } from '@careflow/audit';
import type { RecordedEvent, VerificationReport } from '@careflow/event-store';

export const packetParts = {
  fhirBundle: 'fhir-bundle.json',
  auditTrail: 'audit-trail.json',
  eventStream: 'event-stream.json',
  chainVerification: 'chain-verification.json',
  chart: 'chart.pdf',
  manifest: 'manifest.json',
} as const;

export interface AuditPacketInput {
  readonly episodeId: string;
  readonly generatedAt: Date;
  /** Absent when no FHIR mapping is available: the manifest says so. */
  readonly fhirBundle?: object;
  readonly auditTrail: readonly AuditRecord[];
  readonly events: readonly RecordedEvent[];
  readonly verification: VerificationReport;
  readonly chartPdf: Buffer;
}

/** Hashes are bytes: shown as hex, as the verifier prints them. */
const auditRecordJson = (record: AuditRecord) => ({
  ...record,
  previousHash: record.previousHash.toString('hex'),
  hash: record.hash.toString('hex'),
});

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

const sha256 = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

export const buildAuditPacket = async (input: AuditPacketInput): Promise<Buffer> => {
  const parts = new Map<string, Buffer>([
    ...(input.fhirBundle === undefined ? [] : [[packetParts.fhirBundle, json(input.fhirBundle)] as const]),
    [packetParts.auditTrail, json(input.auditTrail.map(auditRecordJson))],
    [packetParts.eventStream, json(input.events)],
    [
      packetParts.chainVerification,
      json({
        ...input.verification,
        verified: input.verification.brokenLinks.length === 0 && input.verification.eventsChecked === input.events.length,
      }),
    ],
    [packetParts.chart, input.chartPdf],
  ]);
  const manifest = {
    episodeId: input.episodeId,
    generatedAt: input.generatedAt.toISOString(),
    parts: [...parts].map(([name, content]) => ({ name, bytes: content.length, sha256: sha256(content) })),
    ...(input.fhirBundle === undefined && {
      omitted: [{ name: packetParts.fhirBundle, reason: 'no FHIR mapping is available to this API' }],
    }),
  };
  const zip = new JSZip();
  const date = input.generatedAt;
  for (const [name, content] of parts) zip.file(name, content, { date });
  zip.file(packetParts.manifest, json(manifest), { date });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
};
