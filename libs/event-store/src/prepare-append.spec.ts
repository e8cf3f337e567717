import fc from 'fast-check';
import { canonicalJson, isStorable } from './canonical-json';
import { InvalidAppendError } from './errors';
import { contentHash } from './hashing';
import { canonicalMetadataJson, defaultAppendLimits, eventsAsJson, prepareAppend } from './prepare-append';
import type { NewEvent } from './types';

const recordedAt = '2025-03-01T10:00:05.000Z';

const event = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: '6F1C1C64-5D1E-4D2E-9A53-0C9F4D0E2B11',
  type: 'SessionRecorded',
  data: { visitNumber: 1, session: { date: '2025-03-01' } },
  metadata: { actor: 'user-1', correlationId: 'corr-1', occurredAt: '2025-03-01T10:00:00Z' },
  ...overrides,
});

const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidAppendError) return error.problems;
    throw error;
  }
  throw new Error('expected an InvalidAppendError');
};

describe('prepareAppend', () => {
  it('hands over canonical JSON, lower-case ids, implied versions and content hashes', () => {
    const prepared = prepareAppend('episode-1', 4, [event()], recordedAt);
    const metadata = { actor: 'user-1', correlationId: 'corr-1', occurredAt: '2025-03-01T10:00:00Z', recordedAt };
    const dataJson = canonicalJson({ visitNumber: 1, session: { date: '2025-03-01' } });

    expect(prepared).toEqual({
      streamId: 'episode-1',
      expectedVersion: 4,
      events: [
        {
          eventId: '6f1c1c64-5d1e-4d2e-9a53-0c9f4d0e2b11',
          type: 'SessionRecorded',
          schemaVersion: 1,
          dataJson,
          metadataJson: canonicalJson(metadata),
          contentHash: contentHash({
            streamId: 'episode-1',
            streamVersion: 5,
            eventId: '6f1c1c64-5d1e-4d2e-9a53-0c9f4d0e2b11',
            type: 'SessionRecorded',
            schemaVersion: 1,
            dataJson,
            metadataJson: canonicalJson(metadata),
          }),
        },
      ],
    });
    expect(JSON.parse(eventsAsJson(prepared))).toEqual([
      {
        eventId: '6f1c1c64-5d1e-4d2e-9a53-0c9f4d0e2b11',
        type: 'SessionRecorded',
        schemaVersion: 1,
        data: { visitNumber: 1, session: { date: '2025-03-01' } },
        metadata,
      },
    ]);
  });

  it('keeps only the known metadata fields', () => {
    const withExtra = event({ metadata: { ...event().metadata, patientName: 'x' } as NewEvent['metadata'] });
    const [prepared] = prepareAppend('episode-1', 0, [withExtra], recordedAt).events;
    expect(Object.keys(JSON.parse(prepared?.metadataJson ?? '{}') as object).sort()).toEqual([
      'actor',
      'correlationId',
      'occurredAt',
      'recordedAt',
    ]);
  });

  it('writes metadata exactly as canonicalJson would, with or without a causation id and a department', () => {
    const text = fc.string({ unit: 'binary', minLength: 1 }).filter(isStorable);
    const optionalText = fc.option(text, { nil: undefined });
    fc.assert(
      fc.property(text, text, optionalText, optionalText, text, text, (actor, correlationId, causationId, departmentId, occurredAt, at) => {
        const metadata = { actor, correlationId, causationId, departmentId, occurredAt };
        expect(canonicalMetadataJson(metadata, at)).toBe(canonicalJson({ ...metadata, recordedAt: at }));
      }),
    );
  });

  it('keeps the department of the stream in the metadata', () => {
    const inDepartment = event({ metadata: { ...event().metadata, departmentId: 'dept-7' } });
    const [prepared] = prepareAppend('episode-1', 0, [inDepartment], recordedAt).events;
    expect(JSON.parse(prepared?.metadataJson ?? '{}')).toMatchObject({ departmentId: 'dept-7' });
  });

  it('refuses an empty department, naming the field', () => {
    const blank = event({ metadata: { ...event().metadata, departmentId: '' } });
    expect(problemsOf(() => prepareAppend('episode-1', 0, [blank], recordedAt))).toEqual([
      'event 0 (SessionRecorded): metadata.departmentId must be a non-empty string without NUL characters or unpaired surrogates when given',
    ]);
  });

  it('refuses metadata text that PostgreSQL cannot store, naming the field', () => {
    const withNul = event({ metadata: { ...event().metadata, actor: 'user\u0000-1' } });
    expect(problemsOf(() => prepareAppend('episode-1', 0, [withNul], recordedAt))).toEqual([
      'event 0 (SessionRecorded): metadata.actor must be a non-empty string without NUL characters or unpaired surrogates',
    ]);
  });

  it('refuses an event without a type', () => {
    expect(problemsOf(() => prepareAppend('episode-1', 0, [event({ type: '' })], recordedAt))).toEqual([
      "event 0: type must be a name of letters, digits, '_', '.' or '-' starting with a letter",
    ]);
  });

  it('limits UTF-8 bytes, not characters', () => {
    const limits = { ...defaultAppendLimits, maxEventBytes: 1000 };
    const withNote = (note: string) => [event({ data: { note } })];
    const overhead = Buffer.byteLength(
      prepareAppend('episode-1', 0, withNote(''), recordedAt)
        .events.map((e) => e.dataJson + e.metadataJson)
        .join(''),
    );
    expect(() => prepareAppend('episode-1', 0, withNote('x'.repeat(1000 - overhead)), recordedAt, limits)).not.toThrow();
    expect(
      problemsOf(() => prepareAppend('episode-1', 0, withNote('€'.repeat(Math.ceil((1001 - overhead) / 3))), recordedAt, limits)),
    ).toEqual([
      `event 0 (SessionRecorded): data and metadata take ${overhead + 3 * Math.ceil((1001 - overhead) / 3)} bytes, over the limit of 1000`,
    ]);
  });

  it('refuses an oversized payload, naming the size and the limit', () => {
    const big = event({ data: { note: 'x'.repeat(defaultAppendLimits.maxEventBytes) } });
    const [problem] = problemsOf(() => prepareAppend('episode-1', 0, [big], recordedAt));
    expect(problem).toMatch(/^event 0 \(SessionRecorded\): data and metadata take \d+ bytes, over the limit of 262144$/);
  });

  it('takes a smaller limit from the caller', () => {
    const limits = { ...defaultAppendLimits, maxEventBytes: 100 };
    expect(() => prepareAppend('episode-1', 0, [event({ data: { note: 'x'.repeat(100) } })], recordedAt, limits)).toThrow(
      InvalidAppendError,
    );
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 31])('refuses the expected version %p', (expectedVersion) => {
    expect(problemsOf(() => prepareAppend('episode-1', expectedVersion, [event()], recordedAt))).toEqual([
      'the expected version must be an integer of 0 or more (0 = a new stream)',
    ]);
  });

  it('refuses an empty append and a bad stream id', () => {
    expect(problemsOf(() => prepareAppend('', 0, [], recordedAt))).toEqual([
      'the stream id must be a non-empty string of at most 200 characters without control characters',
      'there are no events to append',
    ]);
    expect(problemsOf(() => prepareAppend('episode\n1', 0, [event()], recordedAt))).toHaveLength(1);
  });

  it('names every problem of every event at once, never a value', () => {
    const bad = {
      eventId: 'not-a-uuid',
      type: 'SessionRecorded',
      schemaVersion: 0,
      data: ['not', 'an', 'object'],
      metadata: { actor: '', correlationId: 'c', occurredAt: 'yesterday' },
    } as unknown as NewEvent;
    const problems = problemsOf(() => prepareAppend('episode-1', 0, [event(), bad, event()], recordedAt));
    expect(problems).toEqual([
      'event 1 (SessionRecorded): eventId must be a UUID',
      'event 1 (SessionRecorded): schemaVersion must be an integer of 1 or more',
      'event 1 (SessionRecorded): metadata.actor must be a non-empty string without NUL characters or unpaired surrogates',
      'event 1 (SessionRecorded): metadata.occurredAt must be an ISO 8601 instant with an offset',
      'event 1 (SessionRecorded): data must be a JSON object',
      'event 2 (SessionRecorded): eventId repeats an earlier event of this append',
    ]);
  });

  it('names the data field that JSON cannot hold', () => {
    const problems = problemsOf(() => prepareAppend('episode-1', 0, [event({ data: { pain: { before: Number.NaN } } })], recordedAt));
    expect(problems).toEqual(['event 0 (SessionRecorded): data.pain.before is not a finite number']);
  });

  it('puts the stream id and the problems in the error message', () => {
    expect(() => prepareAppend('episode-1', -1, [event()], recordedAt)).toThrow(
      'invalid append to stream episode-1: the expected version must be an integer of 0 or more (0 = a new stream)',
    );
  });
});
