/**
 * fast-check fuzzing of every read route (issue 11): malformed path ids, query strings and tokens get a
 * 4xx problem-details answer or an answer the caller may have, never a 5xx. Together with
 * test/api/fuzz.int.spec.ts (every command route and POST /referrals) it covers every operation.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { staffRoles } from '@careflow/auth';
import { episodeStory } from './testing/episode-story';
import { principal, startReadsApp, type ReadsApp } from './testing/reads-app';

const printable = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);

describe('fuzzing the read routes', () => {
  let app: ReadsApp;
  const department = `dept-${randomUUID().slice(0, 8)}`;
  const story = episodeStory();

  beforeAll(async () => {
    app = await startReadsApp();
    await app.appendEvents(story.episodeId, department, 0, story.events);
    await app.register({ episodeId: story.episodeId, departmentId: department, therapistId: `t-${randomUUID()}`, status: 'finished' });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('given malformed ids, query strings and tokens on any read route, then never a 5xx, and every refusal is problem details', async () => {
    const reads = app.routes().filter((route) => route.method === 'get' && !route.public);
    expect(reads.length).toBeGreaterThan(10);
    // Every parameter a route documents (its query schema's fields), and one none knows.
    const queryNames = [...new Set(reads.flatMap((route) => Object.keys(route.doc?.query?.shape ?? {}))), 'x'];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          route: fc.constantFrom(...reads),
          id: fc.oneof(fc.constant(story.episodeId), printable.map(encodeURIComponent), fc.uuid()),
          query: fc.array(fc.tuple(fc.constantFrom(...queryNames), printable), { maxLength: 4 }),
          role: fc.constantFrom(...staffRoles),
          token: fc.oneof(fc.constant<'valid' | undefined>('valid'), fc.constant(undefined), printable),
        }),
        async ({ route, id, query, role, token }) => {
          const path = route.path.replace(/\{[^}]+\}/g, id);
          const search = new URLSearchParams(query).toString();
          const bearer = token === 'valid' ? await app.token(principal(role, [department])) : token;
          const response = await fetch(`${app.baseUrl}${path}${search === '' ? '' : `?${search}`}`, {
            headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
          });
          await response.arrayBuffer();
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) expect(response.headers.get('content-type')).toContain('application/problem+json');
        },
      ),
      { numRuns: 300 },
    );
  });
});
