/**
 * `npm run bench -- department` (B10): a department's quarter end to end. Referrals and every command
 * of their episodes (intake, assessment, plan, certification, sessions with signed notes, progress
 * reports, discharge) go through the built API to the Temporal dev server, the worker and the event
 * store, the relay, Kafka and the consumers, until every read model has caught up. On servers of its own
 * (test/support/private-stack.ts), so 1,000 episodes never land in the shared database.
 *
 * Peer: the workflow benchmark's overhead floor (a workflow whose Updates and activities do nothing)
 * doing the same number of Updates at the same concurrency, on the same Temporal server, in the same
 * run. Where the time goes: CPU seconds per process over the run, and a CPU profile of each app
 * (--cpu-prof) summarised by its heaviest functions. BENCH_DEPARTMENT_REFERRALS scales the run down
 * (docs/chaos.md#benchmark-b10).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { buildWorkflowBundle } from '@careflow/worker/src/workflow-bundle';
import { noOpActivities } from '../fixtures/probe-activities';
import { floorCommandUpdate } from '../fixtures/workflows';
import { type AppFleet, type FleetApp, fleetApps, migrateStack, startAppFleet } from '../support/app-fleet';
import { type DriverStats, driveDepartment, episodeScripts, seedDepartment } from '../support/department-driver';
import { caughtUp, deliveryCounts } from '../support/department-rows';
import buildApps from '../support/build-apps';
import { freePort } from '../support/processes';
import { type PrivateStack, privateStack } from '../support/private-stack';
import { type BenchContext, type BenchRow, percentile, round } from './bench';

const referrals = Number(process.env['BENCH_DEPARTMENT_REFERRALS'] ?? 1_000);
const fullSize = 1_000;
const concurrency = 24;
const seed = 10_001;
const profiledApps: readonly FleetApp[] = ['api', 'worker', 'relay', 'billing', 'reporting'];

export default async function departmentBench({ log }: BenchContext): Promise<BenchRow[]> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const scratch = mkdtempSync(join(tmpdir(), 'careflow-bench-department-'));
  const profileDir = join(scratch, 'profiles');
  mkdirSync(profileDir);
  let stack: PrivateStack | undefined;
  let fleet: AppFleet | undefined;
  try {
    // The fleet runs the built apps, as the system tests do; Nx rebuilds only what changed.
    buildApps();
    stack = await privateStack('careflow-bench');
    await migrateStack(stack.env);
    const bundlePath = join(scratch, 'workflow-bundle.js');
    await buildWorkflowBundle(bundlePath);
    const profiling = { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` };
    fleet = await startAppFleet({
      stackEnv: stack.env,
      apiPort: await freePort(),
      workflowBundlePath: bundlePath,
      extraEnv: Object.fromEntries(profiledApps.map((app) => [app, profiling])),
    });
    // A plain client: the apps' database client fetches no array types, and these queries pass id lists.
    const owner = postgres(stack.env['MIGRATION_DATABASE_URL'] ?? '', { max: 2, onnotice: () => undefined });
    const client = { apiUrl: fleet.apiUrl, jwtSecret: fleet.jwtSecret };
    const department = {
      departmentId: 'department-bench',
      therapistIds: Array.from({ length: 8 }, (_, i) => `department-bench-t${i + 1}`),
      payerIds: ['payer-bench-medicare', 'payer-bench-commercial'] as const,
    };
    await seedDepartment(client, department);
    const scripts = episodeScripts({ seed, count: referrals, label: 'bench', department, minSessions: 2, maxSessions: 10 });
    const sessionCommands = scripts.reduce(
      (sum, script) => sum + script.steps('t').filter((step) => step.path === 'sessions' || step.path === 'note-signatures').length,
      0,
    );
    log(`${referrals} referrals, ${sessionCommands} session commands (sessions and note signatures)`);

    // Ours: the API to caught-up read models.
    const cpuBefore = cpuByStage(stack, fleet);
    const stats: DriverStats = { commands: 0, referrals: 0, retries: 0, latenciesMs: [] };
    const started = performance.now();
    const progress = setInterval(() => log(`  ${stats.referrals} referrals, ${stats.commands} commands`), 30_000);
    const driven = await driveDepartment(client, department, scripts, { concurrency, label: 'bench', stats }).finally(() =>
      clearInterval(progress),
    );
    const commandsDone = performance.now();
    let counts = await deliveryCounts(owner, driven);
    while (!caughtUp(counts)) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = await deliveryCounts(owner, driven);
    }
    const caughtUpAt = performance.now();
    const cpuAfter = cpuByStage(stack, fleet);
    const requests = stats.commands + stats.referrals;
    const apiSeconds = (commandsDone - started) / 1000;
    const wallSeconds = (caughtUpAt - started) / 1000;
    const oursPerSecond = requests / apiSeconds;
    log(
      `ours: ${requests} requests (${stats.commands} commands, ${stats.referrals} referrals, ${stats.retries} retries) in ${apiSeconds.toFixed(1)} s; ` +
        `${counts.events} events; every read model caught up ${((caughtUpAt - commandsDone) / 1000).toFixed(1)} s later`,
    );
    const cpu = Object.fromEntries(Object.keys(cpuAfter).map((stage) => [stage, (cpuAfter[stage] ?? 0) - (cpuBefore[stage] ?? 0)]));
    log(
      `CPU seconds over the run: ${Object.entries(cpu)
        .map(([stage, seconds]) => `${stage} ${seconds.toFixed(1)}`)
        .join(', ')}`,
    );
    await owner.end({ timeout: 5 });

    // The peer: the overhead floor, one workflow per episode with as many Updates as its commands.
    const floorPerSecond = await overheadFloor(
      stack,
      scripts.map((script) => script.steps('t').length + 2),
      log,
    );

    await fleet.stop();
    fleet = undefined;
    const profile = summariseProfiles(profileDir);
    for (const [app, top] of Object.entries(profile))
      log(
        `${app} profile: ${top
          .slice(0, 6)
          .map((f) => `${f.frame} ${f.share}%`)
          .join('; ')}`,
      );
    writeFileSync(
      join(__dirname, 'results', 'department-profile.json'),
      `${JSON.stringify({ date: new Date().toISOString(), referrals, cpu, profile }, null, 2)}\n`,
    );

    const scale = fullSize / referrals;
    return [
      {
        metric: `wall time, ${referrals} referrals and ${requests - referrals} commands to every read model caught up (s)`,
        ours: round(wallSeconds, 1),
        peer: null,
        peerName: null,
        ratio: null,
        target: referrals === fullSize ? '< 600 s' : null,
      },
      ...(referrals === fullSize
        ? []
        : [
            {
              metric: `wall time extrapolated linearly to ${fullSize} referrals (s)`,
              ours: round(wallSeconds * scale, 1),
              peer: null,
              peerName: null,
              ratio: null,
              target: '< 600 s',
            },
          ]),
      {
        metric: 'commands per second through the API (referrals included)',
        ours: round(oursPerSecond),
        peer: round(floorPerSecond),
        peerName: 'overhead floor, same Updates and concurrency',
        ratio: round(oursPerSecond / floorPerSecond),
        target: '>= 0.7x',
      },
      {
        metric: 'command latency p50 (ms)',
        ours: round(percentile(stats.latenciesMs, 50)),
        peer: null,
        peerName: null,
        ratio: null,
        target: null,
      },
      {
        metric: 'command latency p95 (ms)',
        ours: round(percentile(stats.latenciesMs, 95)),
        peer: null,
        peerName: null,
        ratio: null,
        target: null,
      },
      {
        metric: 'read models caught up after the last command (s)',
        ours: round((caughtUpAt - commandsDone) / 1000, 1),
        peer: null,
        peerName: null,
        ratio: null,
        target: null,
      },
      ...Object.entries(cpu).map(([stage, seconds]) => ({
        metric: `CPU seconds over the run: ${stage}`,
        ours: round(seconds, 1),
        peer: null,
        peerName: null,
        ratio: null,
        target: null,
      })),
    ];
  } finally {
    await fleet?.stop();
    await stack?.remove();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Updates per second of the overhead floor, one workflow per entry of `updatesPerEpisode`, `concurrency` at a time. */
const overheadFloor = async (stack: PrivateStack, updatesPerEpisode: readonly number[], log: (line: string) => void): Promise<number> => {
  const address = stack.env['TEMPORAL_ADDRESS'] ?? '';
  const taskQueue = 'bench-floor';
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: noOpActivities,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      const updates = updatesPerEpisode[index];
      if (updates === undefined) return;
      // Start, referral append, directory read and routing append happen before the first command.
      const handle = await client.workflow.start('overheadFloor', { taskQueue, workflowId: `bench-floor-${index}`, args: [3, updates] });
      for (let i = 0; i < updates; i++) await handle.executeUpdate(floorCommandUpdate, { args: [{}] });
      await handle.result();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  const total = updatesPerEpisode.reduce((a, b) => a + b, 0);
  log(`overhead floor: ${total} Updates in ${seconds.toFixed(1)} s`);
  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
  return total / seconds;
};

const clockTicksPerSecond = 100;

/** User + system CPU of a process and its reaped children, in seconds (0 once it is gone). */
const cpuSecondsOf = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0) / clockTicksPerSecond;
  } catch {
    return 0;
  }
};

/** The processes of this machine: pid, parent and command line. */
const processTable = (): Array<{ pid: number; ppid: number; command: string }> =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return [{ pid: Number(entry), ppid, command: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') }];
      } catch {
        return [];
      }
    });

/** CPU seconds so far of each stage: the six apps, the three servers of the private stack, the driver. */
const cpuByStage = (stack: PrivateStack, fleet: AppFleet): Record<string, number> => {
  const table = processTable();
  const server = (pattern: RegExp) => table.filter((p) => p.command.includes(stack.stateDir) && pattern.test(p.command));
  const postmasters = server(/postgres -D/).map((p) => p.pid);
  const postgresPids = [...postmasters, ...table.filter((p) => postmasters.includes(p.ppid)).map((p) => p.pid)];
  const usage = process.cpuUsage();
  return {
    ...Object.fromEntries(fleetApps.map((app) => [app, cpuSecondsOf(fleet.pid(app) ?? -1)])),
    postgres: postgresPids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
    temporal: server(/start-dev/).reduce((sum, p) => sum + cpuSecondsOf(p.pid), 0),
    kafka: server(/server\.properties/).reduce((sum, p) => sum + cpuSecondsOf(p.pid), 0),
    'bench driver': (usage.user + usage.system) / 1e6,
  };
};

interface CpuProfile {
  readonly nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
}

/** Samples that are no work of the process: shares are of the busy samples only. */
const notWork = new Set(['(idle)', '(program)']);

/**
 * Each app's heaviest functions by self time, as a share of its busy samples; packages named by their
 * node_modules folder. A worker thread (file CPU.<date>.<time>.<pid>.<thread>.<n>) is named after the app
 * whose main thread has the same pid: the worker's workflows run in such threads.
 */
const summariseProfiles = (dir: string): Record<string, Array<{ frame: string; share: number }>> => {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => {
      const [, , , pid = '', thread = '0'] = name.split('.');
      return { pid, thread, profile: JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile };
    });
  const appOfPid = new Map<string, string>();
  for (const { pid, profile } of files) {
    const app = profiledApps.find((name) => profile.nodes.some((node) => node.callFrame.url.includes(`/dist/apps/${name}/`)));
    if (app !== undefined) appOfPid.set(pid, app);
  }
  const byApp: Record<string, Map<string, number>> = {};
  for (const { pid, thread, profile } of files) {
    const app = appOfPid.get(pid) ?? `pid ${pid}`;
    const totals = (byApp[thread === '0' ? app : `${app} thread`] ??= new Map());
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      if (notWork.has(functionName)) continue;
      const where = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url === '' ? '' : basename(url));
      const frame = `${functionName || '(anonymous)'}${where === '' ? '' : ` (${where}${where.includes('.') ? `:${lineNumber + 1}` : ''})`}`;
      totals.set(frame, (totals.get(frame) ?? 0) + (node.hitCount ?? 0));
    }
  }
  return Object.fromEntries(
    Object.entries(byApp).map(([app, totals]) => {
      const busy = [...totals.values()].reduce((a, b) => a + b, 0) || 1;
      const top = [...totals.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([frame, hits]) => ({ frame, share: round((100 * hits) / busy, 1) }));
      return [app, top];
    }),
  );
};
