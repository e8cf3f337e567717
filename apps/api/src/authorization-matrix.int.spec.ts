/**
 * The authorization matrix (issue 11): every route the app serves × every staff role × a caller of the
 * object's own department and of another. Built from the route catalogue and libs/auth's permission
 * table, so a new route or operation is covered without touching this file. Expected: 403 for a role
 * without the operation, 404 for another department on an object, an answer otherwise; no response
 * names what the caller may not see; every attempt writes one audit record, refusals as `denied`.
 */
import { randomUUID } from 'node:crypto';
import { medicareLikePayerSettings } from '@careflow/domain';
import { decideAccess, grantFor, isOperation, needsDepartment, staffRoles, type Principal } from '@careflow/auth';
import type { CatalogueRoute } from './http';
import { episodeStory } from './testing/episode-story';
import { principal, startReadsApp, type ReadsApp } from './testing/reads-app';
import { worklistViews } from './worklists/worklists';

interface Attempt {
  readonly route: string;
  readonly role: string;
  readonly department: 'own' | 'other';
  readonly status: number;
  readonly expected: 'refused-role' | 'refused-department' | 'answered';
  readonly audited: number;
  readonly auditOutcome: string | undefined;
  readonly leaked: boolean;
}

describe('the authorization matrix', () => {
  let app: ReadsApp;
  const own = `dept-${randomUUID().slice(0, 8)}`;
  const other = `dept-${randomUUID().slice(0, 8)}`;
  const story = episodeStory();
  const payerId = `payer-${randomUUID().slice(0, 8)}`;
  let patientKey: string;
  const attempts: Attempt[] = [];

  // Path parameters: the episode of `own`, the first worklist, a payer that exists; any other parameter is a plain id.
  const pathFor = (route: CatalogueRoute): string =>
    route.path
      .replace('{id}', story.episodeId)
      .replace('{payerId}', payerId)
      .replace('{kind}', Object.keys(worklistViews)[0] ?? 'none')
      .replace(/\{[^}]+\}/g, 'x');

  const send = async (route: CatalogueRoute, who: Principal): Promise<{ status: number; body: string }> => {
    const method = route.method.toUpperCase();
    const response = await fetch(`${app.baseUrl}${pathFor(route)}`, {
      method,
      headers: { authorization: `Bearer ${await app.token(who)}`, 'content-type': 'application/json' },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
    });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()).toString('latin1') };
  };

  beforeAll(async () => {
    app = await startReadsApp();
    await app.owner`INSERT INTO payers (payer_id, settings) VALUES (${payerId}, ${app.owner.json(medicareLikePayerSettings as never)})`;
    await app.appendEvents(story.episodeId, own, 0, story.events);
    ({ patientKey } = await app.register({
      episodeId: story.episodeId,
      departmentId: own,
      therapistId: `t-${randomUUID()}`,
      status: 'finished',
    }));
    // A second department with its own episode, so lists of `other` are not empty.
    const second = episodeStory();
    await app.appendEvents(second.episodeId, other, 0, second.events);
    await app.register({ episodeId: second.episodeId, departmentId: other, therapistId: `t-${randomUUID()}`, status: 'active' });

    const routes = app.routes().filter((route) => !route.public);
    for (const route of routes) {
      const operation = route.operation?.operation;
      if (operation === undefined) throw new Error(`route ${route.method} ${route.path} has no operation`);
      const targetsAnObject = route.path.includes('{id}');
      for (const role of staffRoles) {
        for (const department of ['own', 'other'] as const) {
          const caller = principal(role, needsDepartment(role) ? [department === 'own' ? own : other] : []);
          const roleGranted = grantFor(operation).roles.includes(role);
          const mayReachOwn = decideAccess(caller, operation, own).allowed;
          const expected = !roleGranted ? 'refused-role' : targetsAnObject && !mayReachOwn ? 'refused-department' : 'answered';
          const before = await app.auditCount();
          const { status, body } = await send(route, caller);
          const audited = (await app.auditCount()) - before;
          const last = await app.lastAudit();
          attempts.push({
            route: `${route.method.toUpperCase()} ${route.path}`,
            role,
            department,
            status,
            expected,
            audited,
            auditOutcome: last?.outcome,
            // Whoever may not reach `own` must not learn of its episode, patient or department.
            leaked:
              !mayReachOwn && [story.episodeId, patientKey, own, story.patientName, story.mrn].some((secret) => body.includes(secret)),
          });
        }
      }
    }
  });

  afterAll(async () => {
    await app.close();
  });

  it('covers every route of the app, each with an operation of the permission table', () => {
    const routes = new Set(attempts.map((attempt) => attempt.route));
    expect(routes.size).toBe(app.routes().filter((route) => !route.public).length);
    expect(routes.size).toBeGreaterThanOrEqual(12);
    for (const route of app.routes()) if (route.operation) expect(isOperation(route.operation.operation)).toBe(true);
    expect(attempts).toHaveLength(routes.size * staffRoles.length * 2);
  });

  it('leaks nothing', () => {
    expect(attempts.filter((attempt) => attempt.leaked)).toEqual([]);
  });

  it('refuses a role without the operation with 403, another department with 404', () => {
    const wrong = attempts.filter(
      (attempt) =>
        (attempt.expected === 'refused-role' && attempt.status !== 403) ||
        (attempt.expected === 'refused-department' && attempt.status !== 404) ||
        (attempt.expected === 'answered' && (attempt.status === 403 || attempt.status === 404 || attempt.status >= 500)),
    );
    expect(wrong).toEqual([]);
    expect(attempts.some((attempt) => attempt.expected === 'refused-department')).toBe(true);
  });

  it('audits every attempt once, each refusal as denied', () => {
    expect(attempts.filter((attempt) => attempt.audited !== 1)).toEqual([]);
    const refused = attempts.filter((attempt) => attempt.expected !== 'answered');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((attempt) => attempt.auditOutcome !== 'denied')).toEqual([]);
  });
});
