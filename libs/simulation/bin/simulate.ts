/**
 * `npm run simulate -- [--seed N] [--episodes N] [--plan a.json --plan b.json] [--start YYYY-MM-DD] [--out dir]`
 * Runs a quarter of the department once per staffing plan and writes report.html, one PNG per
 * chart and summary.json into the output folder (docs/simulation.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import { isIsoDate } from '@careflow/domain';
import { type StaffingPlan, currentStaffing, oneMoreOncologyTherapist, parseStaffingPlan, simulate, summarize } from '../src';
import { buildReport, renderPng } from '../src/report';

const usage = 'usage: npm run simulate -- [--seed N] [--episodes N] [--plan a.json --plan b.json] [--start YYYY-MM-DD] [--out dir]';

const fail = (message: string): never => {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
};

const wholeNumber = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : fail(`--${name} must be a whole number.`);
};

const readPlan = (path: string): StaffingPlan => {
  try {
    return parseStaffingPlan(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    return fail(`The plan file ${path} cannot be used: ${error instanceof Error ? error.message : 'unreadable'}`);
  }
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      episodes: { type: 'string' },
      plan: { type: 'string', multiple: true },
      start: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const seed = wholeNumber(values.seed, 20_261, 'seed');
  const episodes = wholeNumber(values.episodes, 1_000, 'episodes');
  const startDate = values.start ?? '2025-01-06';
  if (!isIsoDate(startDate)) fail('--start must be a date (YYYY-MM-DD).');
  const plans = values.plan?.map(readPlan) ?? [currentStaffing, oneMoreOncologyTherapist];
  const out = resolve(values.out ?? 'simulation-report');

  const bars = new MultiBar(
    { format: ' {bar} {percentage}% | {plan} | day {value}/{total}', hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  const started = performance.now();
  const runs = plans.map((plan) => {
    const bar = bars.create(1, 0, { plan: plan.name });
    const onDay = (day: number, days: number): void => {
      bar.setTotal(days);
      bar.update(day, { plan: plan.name });
    };
    const run = simulate({ seed, episodes, plan, startDate, onDay });
    return { plan, summary: summarize(run) };
  });
  bars.stop();
  const simulatedMs = performance.now() - started;

  const report = await buildReport(runs);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'report.html'), report.html);
  for (const chart of report.charts) writeFileSync(join(out, `${chart.name}.png`), renderPng(chart.svg));
  // The figures without the per-episode waits and daily caseloads the charts already show.
  const figures = runs.map(({ summary: { waitsDays: _waits, caseloads: _caseloads, ...figures } }) => figures);
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(figures, null, 2)}\n`);

  for (const { summary } of runs) {
    process.stdout.write(
      `${summary.plan}: median ${summary.waitMedianDays ?? '–'} days to first visit (90th percentile ${summary.waitP90Days ?? '–'}), ` +
        `${summary.offersExpired} offers expired, ${summary.escalations} escalations, ${summary.visits} visits, ` +
        `$${(summary.chargesCents / 100).toFixed(2)} charged\n`,
    );
  }
  process.stdout.write(
    `${plans.length} plans × ${episodes} episodes simulated in ${(simulatedMs / 1000).toFixed(1)} s; report in ${join(out, 'report.html')}\n`,
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`The simulation failed: ${error instanceof Error ? error.message : 'unknown error'}\n`);
  process.exit(1);
});
