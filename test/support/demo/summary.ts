/** The closing summary `npm start` prints after the demo: what the read models show, in the clinic's words. */
import type { DemoRun } from './driver';
import type { DemoReadModels } from './read-models';

const dollars = (cents: number): string => `$${(cents / 100).toFixed(2)}`;

const table = (rows: readonly (readonly string[])[]): string[] => {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => `    ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd());
};

/** A claim's lines summed per code and modifiers, e.g. `97140-GP ×12` for six days of two units. */
const claimLines = (claim: DemoReadModels['claims'][number]): string => {
  const units = new Map<string, number>();
  for (const line of claim.lines) {
    const key = [line.code, ...line.modifiers].join('-');
    units.set(key, (units.get(key) ?? 0) + line.units);
  }
  return [...units.entries()].map(([key, count]) => `${key} ×${count}`).join(', ');
};

export interface DemoAddresses {
  readonly apiUrl: string;
  readonly temporalUi: string;
  readonly token: string;
}

export const formatDemoSummary = (run: DemoRun, models: DemoReadModels, addresses: DemoAddresses): string => {
  const lines: string[] = [];
  const say = (line = ''): void => {
    lines.push(line);
  };
  say(`Demo department ${run.departmentId} (clinical days ${run.calendar.evaluationDay} to ${run.calendar.today})`);
  say();
  say('Episodes by status and outcome');
  say(
    table([
      ['case', 'status', 'outcome', 'therapist', 'visits', 'certification'],
      ...run.episodes.map((episode) => {
        const summary = models.summaries.find((row) => row.episodeId === episode.episodeId);
        return [
          episode.kase,
          summary?.status ?? '?',
          episode.dischargeReason ?? 'in care',
          (summary?.therapistId ?? episode.therapistId).replace(`${run.departmentId}-`, ''),
          String(summary?.visitsDelivered ?? 0),
          summary?.certificationStatus ?? '?',
        ];
      }),
      [run.refusedReferral.kase, `refused (${run.refusedReferral.status} ${run.refusedReferral.code})`, '', '', '', ''],
    ]).join('\n'),
  );
  const refusals = run.episodes.flatMap((episode) =>
    episode.refusals.map((refusal) => `${episode.kase}: ${refusal.what} → ${refusal.code}`),
  );
  if (refusals.length > 0) {
    say();
    say('Refused by the rules, as they should be');
    for (const refusal of refusals) say(`    ${refusal}`);
  }

  say();
  say('Units and charges by code and payer');
  const byCode = new Map<string, { units: number; billableCents: number; notBillable: number; modifiers: Set<string> }>();
  let held = 0;
  for (const [, days] of models.charges) {
    for (const day of days) {
      if (day.held) held += 1;
      for (const line of day.lines) {
        const key = `${day.payerId.replace(`${run.departmentId}-`, '')} ${line.code}`;
        const entry = byCode.get(key) ?? { units: 0, billableCents: 0, notBillable: 0, modifiers: new Set<string>() };
        entry.units += line.units;
        if (line.billable) entry.billableCents += line.amountCents;
        else entry.notBillable += 1;
        for (const modifier of line.modifiers) entry.modifiers.add(modifier);
        byCode.set(key, entry);
      }
    }
  }
  say(
    table([
      ['payer', 'code', 'units', 'billable', 'lines not billable', 'modifiers'],
      ...[...byCode.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, entry]) => [
          ...key.split(' '),
          String(entry.units),
          dollars(entry.billableCents),
          String(entry.notBillable),
          [...entry.modifiers].sort().join(' '),
        ]),
    ]).join('\n'),
  );
  say(`    ${held} session day(s) held awaiting certification`);

  say();
  say(`Claims (${models.claims.length}, issued at discharge)`);
  say(
    table([
      ['claim', 'payer', 'lines', 'total'],
      ...models.claims.map((claim) => [
        run.episodes.find((episode) => episode.episodeId === claim.episodeId)?.kase ?? claim.claimId,
        claim.payerId.replace(`${run.departmentId}-`, ''),
        claimLines(claim),
        dollars(claim.totalChargeCents),
      ]),
    ]).join('\n'),
  );

  say();
  say('Compliance findings and worklists');
  const findings = models.compliance.findings.filter((finding) => (finding as { departmentId?: string }).departmentId === run.departmentId);
  say(`    findings: ${findings.length === 0 ? 'none' : findings.map((finding) => `${finding.finding} ${finding.count}`).join(', ')}`);
  for (const [kind, rows] of models.worklists) if (rows.length > 0) say(`    worklist ${kind}: ${rows.length}`);

  say();
  say('Outcome changes against the MCID (by diagnosis group)');
  const outcomeRows = models.outcomes.filter((row) => row['departmentId'] === run.departmentId);
  say(
    table([
      ['group', 'measure', 'measured', 'MCID attained', 'mean improvement', 'discharged'],
      ...outcomeRows.map((row) => [
        String(row['diagnosisGroup']),
        String(row['measure']),
        String(row['episodesMeasured']),
        String(row['episodesAttained']),
        String(row['meanImprovement']),
        String(row['episodesDischarged']),
      ]),
    ]).join('\n'),
  );

  say();
  say('Not shown, because the real clock would have to pass:');
  for (const reason of run.notShown) say(`    ${reason}`);

  say();
  say('Explore');
  say(`    API docs     ${addresses.apiUrl}/docs`);
  say(`    Temporal UI  ${addresses.temporalUi}`);
  say(`    Lead token   (60 minutes; department ${run.departmentId})`);
  say(`    export TOKEN=${addresses.token}`);
  say(`    curl -s -H "authorization: Bearer $TOKEN" ${addresses.apiUrl}/episodes`);
  say('    (README.md, "A walk through the demo department", has more)');
  return lines.join('\n');
};
