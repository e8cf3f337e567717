import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { pollUntil } from '@careflow/event-store/testing';
import { commandPaths } from '@careflow/api/src/episodes/command-paths';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const printable = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);

describe('fuzzing the episode command routes', () => {
  let api: ApiHarness;
  const department = `D-${randomUUID().slice(0, 8)}`;
  let episodeId: string;
  let therapist: string;

  beforeAll(async () => {
    api = await startApiHarness();
    const lead = await api.token({ userId: 'u-lead', role: 'department-lead', departments: [department] });
    therapist = await api.token({ userId: 'u-t', role: 'therapist', departments: [department] });
    const created = await call(api, 'POST', '/referrals', {
      token: lead,
      body: { departmentId: department, referral: referral(yesterday()) },
    });
    episodeId = created.body.episodeId;
  });
  afterAll(async () => {
    await api?.close();
  });

  const written = async () => {
    const [row] = await api.owner`
      SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM episodes)::int AS episodes,
             (SELECT count(*) FROM idempotency_keys)::int AS keys`;
    return row;
  };

  it('given malformed bodies, headers and ids, then only 4xx answers, each problem details, and nothing written', async () => {
    // The referral's own events come from the workflow: it stops writing once routing has offered or escalated.
    await pollUntil(
      () => api.owner<{ type: string }[]>`SELECT type FROM events WHERE stream_id = ${episodeId}`,
      (rows) => rows.some(({ type }) => type === 'TherapistOffered' || type === 'RoutingEscalated'),
      { what: 'the referral routed' },
    );
    const before = await written();
    const paths = Object.values(commandPaths) as string[];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          path: fc.constantFrom(...paths),
          id: fc.oneof(
            fc.constant(() => episodeId),
            printable.map((text) => () => encodeURIComponent(text)),
            fc.uuid().map((id) => () => id),
          ),
          body: fc.oneof(
            fc.jsonValue().map((value) => ({ body: value })),
            fc.string({ maxLength: 60 }).map((rawBody) => ({ rawBody })),
            fc
              .dictionary(fc.constantFrom('reason', 'sessionId', 'therapistId', 'actor', 'at', 'type', 'session', 'plan'), fc.jsonValue())
              .map((value) => ({ body: value })),
          ),
          token: fc.oneof(fc.constant<string | undefined>(undefined), fc.constant('valid'), printable),
          idempotencyKey: fc.option(printable, { nil: undefined }),
          ifMatch: fc.option(printable, { nil: undefined }),
          purpose: fc.option(printable, { nil: undefined }),
        }),
        async (input) => {
          const headers: Record<string, string> = {};
          if (input.idempotencyKey !== undefined) headers['idempotency-key'] = input.idempotencyKey;
          if (input.ifMatch !== undefined) headers['if-match'] = input.ifMatch;
          if (input.purpose !== undefined) headers['x-purpose-of-use'] = input.purpose;
          const answer = await call(api, 'POST', `/episodes/${input.id()}/${input.path}`, {
            ...input.body,
            ...(input.token === undefined ? {} : { token: input.token === 'valid' ? therapist : input.token }),
            headers,
          });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(answer.headers.get('content-type')).toContain('application/problem+json');
        },
      ),
      { numRuns: 300 },
    );
    expect(await written()).toEqual(before);
  });

  it('given malformed referrals, then only 4xx answers (201 when a replaced field happens to be valid), and no episode registered but those', async () => {
    const scheduler = await api.token({ userId: 'u-scheduler', role: 'scheduler', departments: [department] });
    const before = await written();
    const valid = referral(yesterday());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((value) => ({ body: value })),
          fc.string({ maxLength: 60 }).map((rawBody) => ({ rawBody })),
          // A valid referral with one field replaced by anything: close to valid, still refused.
          fc
            .tuple(fc.constantFrom(...Object.keys(valid)), fc.jsonValue())
            .filter(([, value]) => value !== undefined)
            .map(([field, value]) => ({
              body: { departmentId: department, referral: { ...valid, referralId: `r-${randomUUID()}`, [field]: value } },
            })),
        ),
        async (input) => {
          const answer = await call(api, 'POST', '/referrals', { ...input, token: scheduler });
          // A replaced field may happen to still be valid (an optional one): then it is a referral like any other.
          if (answer.status === 201) return;
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    const after = await written();
    const created =
      await api.owner`SELECT count(*)::int AS n FROM audit_records WHERE operation = 'command:ReceiveReferral' AND outcome = 'success' AND user_id = 'u-scheduler'`;
    expect(after?.['episodes']).toBe((before?.['episodes'] as number) + (created[0]?.['n'] as number));
  });
});
