/**
 * The report of two (or more) staffing plans side by side: Vega-Lite charts rendered to SVG by Vega
 * in Node, one HTML page with the figures and the charts inline, and each chart as a PNG (resvg).
 * Nothing in it reads a clock, so the same runs give the same bytes (docs/simulation.md).
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { StaffingPlan } from './plan';
import { complianceFindings, type RunSummary } from './summary';

export interface PlanRun {
  readonly plan: StaffingPlan;
  readonly summary: RunSummary;
}

export interface Chart {
  /** File name without extension, also the chart's anchor in the page. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

export interface Report {
  readonly html: string;
  readonly charts: readonly Chart[];
}

const font = 'DejaVu Sans';
const config = { font, view: { stroke: null }, axis: { labelFont: font, titleFont: font }, legend: { labelFont: font, titleFont: font } };

const chartSpecs = (runs: readonly PlanRun[]): { name: string; title: string; spec: TopLevelSpec }[] => {
  const planOrder = runs.map((run) => run.summary.plan);
  const column = { field: 'plan', type: 'nominal', sort: planOrder, title: null } as const;
  const color = { field: 'plan', type: 'nominal', sort: planOrder, title: 'staffing plan' } as const;
  const oncology = new Set(
    runs.flatMap((run) =>
      run.plan.therapists
        .filter((therapist) => therapist.specialtyCertificates.includes('oncology-massage'))
        .map((therapist) => therapist.therapistId),
    ),
  );
  return [
    {
      name: 'waits',
      title: 'Days from referral to first visit',
      spec: {
        config,
        data: { values: runs.flatMap((run) => run.summary.waitsDays.map((days) => ({ plan: run.summary.plan, days }))) },
        mark: 'bar',
        width: 320,
        height: 200,
        encoding: {
          column,
          x: { field: 'days', type: 'quantitative', bin: { step: 2 }, title: 'days to first visit' },
          y: { aggregate: 'count', type: 'quantitative', title: 'episodes' },
          color: { ...color, legend: null },
        },
      },
    },
    {
      name: 'waits-by-referral',
      title: 'Median wait by kind of referral',
      spec: {
        config,
        data: {
          values: runs.flatMap((run) =>
            Object.entries(run.summary.waitsByKind).map(([kind, days]) => ({ plan: run.summary.plan, kind, days: days ?? 0 })),
          ),
        },
        mark: 'bar',
        width: 320,
        height: 200,
        encoding: {
          x: { field: 'kind', type: 'nominal', title: null },
          xOffset: { field: 'plan', type: 'nominal', sort: planOrder },
          y: { field: 'days', type: 'quantitative', title: 'median days to first visit' },
          color,
        },
      },
    },
    {
      name: 'caseloads',
      title: 'Caseload per therapist over time',
      spec: {
        config,
        data: {
          values: runs.flatMap((run) =>
            run.summary.caseloads.map((sample) => ({
              plan: run.summary.plan,
              date: sample.date,
              therapist: sample.therapistId,
              caseload: sample.caseload,
              certificate: oncology.has(sample.therapistId) ? 'oncology-certified' : 'other',
            })),
          ),
        },
        mark: { type: 'line', strokeWidth: 1 },
        width: 320,
        height: 200,
        encoding: {
          column,
          x: { field: 'date', type: 'temporal', title: null },
          y: { field: 'caseload', type: 'quantitative', title: 'active episodes' },
          detail: { field: 'therapist', type: 'nominal' },
          color: { field: 'certificate', type: 'nominal', title: 'therapist' },
        },
      },
    },
    {
      name: 'findings',
      title: 'Compliance findings and refusals',
      spec: {
        config,
        data: {
          values: runs.flatMap((run) => [
            ...complianceFindings.map((finding) => ({ plan: run.summary.plan, finding, count: run.summary.findings[finding] ?? 0 })),
            ...Object.entries(run.summary.refusals).map(([code, count]) => ({
              plan: run.summary.plan,
              finding: `refused: ${code}`,
              count,
            })),
          ]),
        },
        mark: 'bar',
        width: 320,
        encoding: {
          y: { field: 'finding', type: 'nominal', title: null },
          yOffset: { field: 'plan', type: 'nominal', sort: planOrder },
          x: { field: 'count', type: 'quantitative', title: 'episodes events' },
          color,
        },
      },
    },
    {
      name: 'charges',
      title: 'Charges by payer and code (dollars)',
      spec: {
        config,
        data: {
          values: runs.flatMap((run) =>
            run.summary.charges.map((charge) => ({
              plan: run.summary.plan,
              line: `${charge.payer} ${charge.code}`,
              dollars: charge.amountCents / 100,
            })),
          ),
        },
        mark: 'bar',
        width: 320,
        encoding: {
          y: { field: 'line', type: 'nominal', title: null },
          yOffset: { field: 'plan', type: 'nominal', sort: planOrder },
          x: { field: 'dollars', type: 'quantitative', title: 'charges ($)' },
          color,
        },
      },
    },
  ];
};

const toSvg = async (spec: TopLevelSpec): Promise<string> => {
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

export const renderPng = (svg: string): Buffer =>
  new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: font }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng();

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const dollars = (cents: number): string =>
  `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

const figureRows = (runs: readonly PlanRun[]): string => {
  const row = (label: string, value: (summary: RunSummary) => string | number | null): string =>
    `<tr><th>${escapeHtml(label)}</th>${runs.map((run) => `<td>${escapeHtml(String(value(run.summary) ?? '–'))}</td>`).join('')}</tr>`;
  return [
    row('therapists', (summary) => runs.find((run) => run.summary === summary)?.plan.therapists.length ?? null),
    row('episodes referred', (summary) => summary.episodes),
    row('median days to first visit', (summary) => summary.waitMedianDays),
    row('90th percentile days to first visit', (summary) => summary.waitP90Days),
    row('never seen', (summary) => summary.neverSeen),
    row('offers made', (summary) => summary.offersMade),
    row('offers expired', (summary) => summary.offersExpired),
    row('offers declined', (summary) => summary.offersDeclined),
    row('escalations to the lead', (summary) => summary.escalations),
    row('referrals declined', (summary) => summary.referralsDeclined),
    row('visits', (summary) => summary.visits),
    row('no-shows', (summary) => summary.noShows),
    row('billed units', (summary) => summary.billedUnits),
    row('charges', (summary) => dollars(summary.chargesCents)),
    row('charge days held for certification', (summary) => summary.heldCharges),
    row('charge days flagged (delinquent certification)', (summary) => summary.flaggedCharges),
    ...complianceFindings.map((finding) => row(finding, (summary) => summary.findings[finding] ?? 0)),
    row('episodes by status', (summary) =>
      Object.entries(summary.status)
        .map(([status, n]) => `${status} ${n}`)
        .join(', '),
    ),
    row('discharges by reason', (summary) =>
      Object.entries(summary.dischargeReasons)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', '),
    ),
    row('simulated through', (summary) => summary.endDate),
  ].join('\n');
};

export const buildReport = async (runs: readonly PlanRun[]): Promise<Report> => {
  const charts: Chart[] = [];
  for (const { name, title, spec } of chartSpecs(runs)) charts.push({ name, title, svg: await toSvg(spec) });
  const seed = runs[0]?.summary.seed ?? 0;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Careflow capacity simulation (seed ${seed})</title>
<style>
body { font-family: '${font}', sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 2rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; }
td { text-align: right; }
section { margin-bottom: 2rem; }
</style>
</head>
<body>
<h1>Capacity simulation: ${runs.map((run) => escapeHtml(run.summary.plan)).join(' vs ')}</h1>
<p>Seed ${seed}; ${runs[0]?.summary.episodes ?? 0} referrals per plan over a quarter, every episode decided by the care-episode domain.
The same seed gives the same page.</p>
<table>
<tr><th></th>${runs.map((run) => `<th>${escapeHtml(run.summary.plan)}</th>`).join('')}</tr>
${figureRows(runs)}
</table>
${charts.map((chart) => `<section id="${chart.name}">\n<h2>${escapeHtml(chart.title)}</h2>\n${chart.svg}\n</section>`).join('\n')}
</body>
</html>
`;
  return { html, charts };
};
