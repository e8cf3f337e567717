import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { contentHash, genesisHash, hashedContent, linkHash, type HashedEventFields } from './hashing';

const event: HashedEventFields = {
  streamId: 'episode-1',
  streamVersion: 3,
  eventId: '6f1c1c64-5d1e-4d2e-9a53-0c9f4d0e2b11',
  type: 'SessionRecorded',
  schemaVersion: 1,
  dataJson: canonicalJson({ visitNumber: 3, session: { date: '2025-03-01', selfPay: false } }),
  metadataJson: canonicalJson({ actor: 'user-1', correlationId: 'c-1', occurredAt: '2025-03-01T10:00:00Z' }),
};

describe('hashedContent', () => {
  it('is the canonical JSON of the whole event, built without serialising data twice', () => {
    expect(hashedContent(event)).toBe(
      canonicalJson({
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        eventId: event.eventId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: JSON.parse(event.dataJson),
        metadata: JSON.parse(event.metadataJson),
      }),
    );
  });
});

describe('contentHash', () => {
  it('is sha256 over the canonical content', () => {
    expect(contentHash(event).toString('hex')).toBe(createHash('sha256').update(hashedContent(event)).digest('hex'));
  });

  it.each<[string, Partial<HashedEventFields>]>([
    ['stream', { streamId: 'episode-2' }],
    ['version', { streamVersion: 4 }],
    ['event id', { eventId: '6f1c1c64-5d1e-4d2e-9a53-0c9f4d0e2b12' }],
    ['type', { type: 'SessionCancelled' }],
    ['schema version', { schemaVersion: 2 }],
    ['data', { dataJson: '{"visitNumber":4}' }],
    ['metadata', { metadataJson: '{"actor":"user-2"}' }],
  ])('changes when the %s changes', (_field, change) => {
    expect(contentHash({ ...event, ...change }).equals(contentHash(event))).toBe(false);
  });
});

describe('linkHash', () => {
  it('chains each hash to the previous one, from 32 zero bytes', () => {
    expect(genesisHash).toEqual(Buffer.alloc(32));
    const content = contentHash(event);
    expect(linkHash(genesisHash, content).toString('hex')).toBe(
      createHash('sha256')
        .update(Buffer.concat([genesisHash, content]))
        .digest('hex'),
    );
    expect(linkHash(linkHash(genesisHash, content), content).equals(linkHash(genesisHash, content))).toBe(false);
  });
});
