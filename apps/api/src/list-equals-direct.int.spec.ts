/**
 * A list never shows what a direct read refuses, and never hides what it allows (issue 11): for random
 * callers (role, departments) over episodes of several departments, an episode is in the caller's
 * `GET /episodes` exactly when `GET /episodes/{id}` answers it.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { needsDepartment, staffRoles } from '@careflow/auth';
import { episodeStory } from './testing/episode-story';
import { principal, startReadsApp, type ReadsApp } from './testing/reads-app';

describe('list membership ⇔ direct read allowed', () => {
  let app: ReadsApp;
  const departments = [0, 1, 2].map(() => `dept-${randomUUID().slice(0, 8)}`);
  const episodes: Array<{ episodeId: string; departmentId: string }> = [];

  beforeAll(async () => {
    app = await startReadsApp();
    for (const [index, departmentId] of [...departments, ...departments.slice(0, 2)].entries()) {
      const story = episodeStory({ closed: index % 2 === 0 });
      await app.appendEvents(story.episodeId, departmentId, 0, story.events);
      await app.register({
        episodeId: story.episodeId,
        departmentId,
        therapistId: `t-${index}`,
        status: index % 2 === 0 ? 'finished' : 'active',
      });
      episodes.push({ episodeId: story.episodeId, departmentId });
    }
  });

  afterAll(async () => {
    await app.close();
  });

  it('holds for random callers', async () => {
    const callers = fc.record({
      role: fc.constantFrom(...staffRoles),
      departments: fc.subarray([...departments, 'dept-elsewhere']),
    });
    await fc.assert(
      fc.asyncProperty(callers, async ({ role, departments: held }) => {
        const caller = principal(role, needsDepartment(role) ? held : []);
        const list = await app.get('/episodes', caller);
        const listed =
          list.status === 200
            ? new Set(((await list.json()) as { items: Array<{ episodeId: string }> }).items.map((item) => item.episodeId))
            : new Set<string>();
        for (const { episodeId } of episodes) {
          const direct = await app.get(`/episodes/${episodeId}`, caller);
          await direct.arrayBuffer();
          expect(listed.has(episodeId)).toBe(direct.status === 200);
        }
      }),
      { numRuns: 20 },
    );
  });
});
