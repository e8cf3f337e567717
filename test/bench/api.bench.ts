/**
 * `npm run bench -- api`: the API's POST /referrals and a session command (POST
 * /episodes/{id}/cancelled-visits, a CancelSession) against a bare Nest endpoint in the same process
 * that makes the same Temporal calls without validation, authorization, registry or audit, measured
 * alternately with autocannon over five rounds (each round's pair gives a ratio; the median is
 * reported, since on a shared machine a single pair swung from 0.54x to 0.92x); and the audit trail's
 * write cost per request.
 */
import { randomUUID } from 'node:crypto';
import { Body, Controller, Inject, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { createAuditTrail } from '@careflow/audit';
import { careEpisodeWorkflowId, submitCommandUpdate } from '@careflow/contracts';
import { type CareEpisodeCommand, defaultDepartmentSettings, type Referral } from '@careflow/domain';
import { createDatabaseClient, closeDatabaseClient } from '@careflow/event-store';
import { pollUntil } from '@careflow/event-store/testing';
import { createDataConverter, keyringFromEnv, startCareEpisode } from '@careflow/temporal';
import { type ApiHarness, call, startApiHarness } from '../support/api-harness';
import { referral } from '../support/episode-harness';
import { requireEnv } from '../support/env';
import { type BenchContext, type BenchRow, percentile, round } from './bench';

// autocannon ships no types (CommonJS, required below); the part used here.
interface AutocannonResult {
  readonly requests: { readonly average: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: Array<{ setupRequest: (request: AutocannonRequest) => AutocannonRequest }>;
}) => Promise<AutocannonResult>;
const autocannon = require('autocannon') as Autocannon;

const BARE_CLIENT = Symbol('bare-client');
const BARE_TASK_QUEUE = Symbol('bare-task-queue');

/** The same Temporal calls as the API's routes, and nothing else. */
@Controller('bare')
class BareController {
  constructor(
    @Inject(BARE_CLIENT) private readonly client: Client,
    @Inject(BARE_TASK_QUEUE) private readonly taskQueue: string,
  ) {}

  @Post('referrals')
  async referral(@Body() body: { departmentId: string; referral: Referral }): Promise<{ episodeId: string }> {
    const { episodeId } = await startCareEpisode(this.client, {
      taskQueue: this.taskQueue,
      departmentId: body.departmentId,
      settings: defaultDepartmentSettings,
      referral: {
        type: 'ReceiveReferral',
        at: new Date().toISOString(),
        actor: { userId: 'bare', role: 'scheduler' },
        referral: body.referral,
      },
    });
    return { episodeId };
  }

  @Post('episodes/:id/cancelled-visits')
  async cancelledVisit(@Param('id') id: string, @Body() body: Record<string, unknown>): Promise<unknown> {
    const handle = this.client.workflow.getHandle(careEpisodeWorkflowId(id));
    const command = { ...body, type: 'CancelSession', at: new Date().toISOString(), actor: { userId: 'bare', role: 'therapist' } };
    return (await handle.executeUpdate(submitCommandUpdate, { args: [command as CareEpisodeCommand, { withSnapshot: true }] })).snapshot;
  }
}

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const seconds = 6;
const rounds = 5;
const connections = 8;
const episodes = 8;

export default async function apiBench({ log }: BenchContext): Promise<BenchRow[]> {
  const api: ApiHarness = await startApiHarness();
  const connection = await Connection.connect({ address: requireEnv('TEMPORAL_ADDRESS') });
  const client = new Client({
    connection,
    namespace: api.config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(keyringFromEnv(api.config.PAYLOAD_KEYS), api.config.TEMPORAL_NAMESPACE),
  });
  @Module({
    controllers: [BareController],
    providers: [
      { provide: BARE_CLIENT, useValue: client },
      { provide: BARE_TASK_QUEUE, useValue: api.taskQueue },
    ],
  })
  class BareModule {}
  const bare: INestApplication = await NestFactory.create(BareModule, { logger: false });
  await bare.listen(0, '127.0.0.1');
  const bareUrl = (await bare.getUrl()).replace('[::1]', '127.0.0.1');

  try {
    const department = `D-bench-${randomUUID().slice(0, 8)}`;
    const therapistId = `t-bench-${randomUUID().slice(0, 8)}`;
    const admin = await api.token({ userId: 'u-admin', role: 'admin', departments: [] });
    const scheduler = await api.token({ userId: 'u-scheduler', role: 'scheduler', departments: [department] });
    const therapist = await api.token({ userId: `user-${therapistId}`, role: 'therapist', departments: [department] });
    await call(api, 'PUT', `/therapists/${therapistId}`, {
      token: admin,
      body: {
        departmentId: department,
        active: true,
        providerType: 'licensed-massage-therapist',
        profile: {
          licenses: [{ state: 'MD', number: 'L-bench', expiresOn: '2099-12-31' }],
          boardCertifications: [],
          specialtyCertificates: [],
          availability: 1,
          caseloadLimit: 1000,
        },
      },
    });
    // Episodes in care (offer accepted), so a cancelled visit can be recorded on each, many times.
    const ready: string[] = [];
    for (let index = 0; index < episodes; index += 1) {
      const created = await call(api, 'POST', '/referrals', {
        token: scheduler,
        body: { departmentId: department, referral: referral(yesterday()) },
      });
      const episodeId = created.body.episodeId as string;
      await pollUntil(
        () => call(api, 'POST', `/episodes/${episodeId}/accept-offer`, { token: therapist, body: { therapistId } }),
        (answer) => answer.status === 200,
        { what: 'the offer accepted' },
      );
      ready.push(episodeId);
    }

    let counter = 0;
    const referralBody = (): string => JSON.stringify({ departmentId: department, referral: referral(yesterday()) });
    const visitBody = (): string => JSON.stringify({ sessionId: `visit-${randomUUID()}`, date: yesterday(), cancelledBy: 'patient' });
    // `prefix`: the bare endpoints live under /bare (autocannon's request path replaces the URL's).
    const run = async (
      url: string,
      path: (n: number) => string,
      body: () => string,
      token?: string,
      prefix = '',
    ): Promise<AutocannonResult> => {
      const result = await autocannon({
        url,
        connections,
        duration: seconds,
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              method: 'POST',
              path: `${prefix}${path((counter += 1))}`,
              headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
              body: body(),
            }),
          },
        ],
      });
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        log(`warning: ${result.non2xx} non-2xx answers, ${result.errors} errors and ${result.timeouts} timeouts at ${url}`);
      }
      return result;
    };
    const referralPath = () => '/referrals';
    const visitPath = (n: number) => `/episodes/${ready[n % ready.length] ?? ''}/cancelled-visits`;

    const measured: Record<'oursReferral' | 'bareReferral' | 'oursVisit' | 'bareVisit', AutocannonResult[]> = {
      oursReferral: [],
      bareReferral: [],
      oursVisit: [],
      bareVisit: [],
    };
    // Alternating rounds, so drift on this shared machine touches both sides alike.
    for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
      measured.oursReferral.push(await run(api.url, referralPath, referralBody, scheduler));
      measured.bareReferral.push(await run(bareUrl, referralPath, referralBody, undefined, '/bare'));
      measured.oursVisit.push(await run(api.url, visitPath, visitBody, therapist));
      measured.bareVisit.push(await run(bareUrl, visitPath, visitBody, undefined, '/bare'));
      log(`round ${roundIndex + 1} done`);
    }

    // The audit trail's own cost: one record per request, each its own transaction on the chain's lock.
    const sql = createDatabaseClient(api.config.API_DATABASE_URL, { applicationName: 'api-bench-audit', maxConnections: 2 });
    const trail = createAuditTrail({ sql, keys: api.config.AUDIT_HMAC_KEYS });
    const writes = 300;
    const started = performance.now();
    for (let index = 0; index < writes; index += 1) {
      await trail.record({
        who: { userId: 'u-bench', role: 'therapist' },
        what: { resourceType: 'episode', resourceId: ready[0] ?? 'x', departmentId: department },
        action: 'update',
        operation: 'command:CancelSession',
        where: { clientAddress: '127.0.0.1' },
        why: 'treatment',
        outcome: 'success',
        requestId: `bench-${index}`,
      });
    }
    const auditMs = (performance.now() - started) / writes;
    await closeDatabaseClient(sql);

    const median = (values: readonly number[]): number => percentile(values, 50);
    const rows = (name: string, ours: readonly AutocannonResult[], peer: readonly AutocannonResult[]): BenchRow[] => {
      const peerName = `bare Nest endpoint, same Temporal calls (median of ${rounds} alternating rounds)`;
      const roundRatios = ours.map((result, index) => result.requests.average / (peer[index]?.requests.average ?? Number.NaN));
      log(`${name}: ratio by round ${roundRatios.map((ratio) => round(ratio)).join(', ')}`);
      const latency = (results: readonly AutocannonResult[], p: 'p50' | 'p99') => median(results.map((result) => result.latency[p]));
      return [
        {
          metric: `${name} requests/s`,
          ours: round(median(ours.map((result) => result.requests.average))),
          peer: round(median(peer.map((result) => result.requests.average))),
          peerName,
          ratio: round(median(roundRatios)),
          target: '>= 0.8x',
        },
        ...(['p50', 'p99'] as const).map((p) => ({
          metric: `${name} ${p} latency (ms)`,
          ours: latency(ours, p),
          peer: latency(peer, p),
          peerName,
          ratio: round(latency(peer, p) / latency(ours, p)),
          target: null,
        })),
      ];
    };
    return [
      ...rows('POST /referrals', measured.oursReferral, measured.bareReferral),
      ...rows('POST /episodes/{id}/cancelled-visits', measured.oursVisit, measured.bareVisit),
      { metric: 'audit record write (ms per request)', ours: round(auditMs, 3), peer: null, peerName: null, ratio: null, target: null },
    ];
  } finally {
    await bare.close();
    await connection.close();
    await api.close();
  }
}
