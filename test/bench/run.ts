/**
 * `npm run bench -- <name>`: runs test/bench/<name>.bench.ts against the local stack, prints one line
 * per row and writes test/bench/results/<name>.json. Figures are ratios against a peer measured in
 * the same run, because this machine is shared and absolute numbers drift.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchModule, BenchRow } from './bench';

const formatRow = (row: BenchRow): string => {
  const ratio = row.ratio === null ? 'n/a' : `${row.ratio.toFixed(2)}x`;
  const peer = row.peer === null ? '' : ` vs ${row.peerName} ${row.peer}`;
  const target = row.target ? ` (target ${row.target})` : '';
  return `${row.metric}: ours ${row.ours}${peer} -> ${ratio}${target}`;
};

const main = async (): Promise<void> => {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9-]+$/.test(name)) {
    throw new Error('usage: npm run bench -- <name>   (a file test/bench/<name>.bench.ts)');
  }
  const file = join(__dirname, `${name}.bench.ts`);
  if (!existsSync(file)) throw new Error(`no benchmark named ${name} (expected test/bench/${name}.bench.ts)`);
  const bench = require(file) as BenchModule;
  const rows = await bench.default({ log: (line) => process.stdout.write(`  ${line}\n`) });
  const cpu = cpus()[0]?.model ?? 'unknown cpu';
  const result = {
    name,
    date: new Date().toISOString(),
    machine: `${cpus().length} cores ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    rows,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  for (const row of rows) process.stdout.write(`${formatRow(row)}\n`);
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
