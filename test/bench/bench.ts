/** One line of a benchmark's result: our figure, the peer's figure from the same run, and their ratio. */
export interface BenchRow {
  readonly metric: string;
  readonly ours: number;
  readonly peer: number | null;
  readonly peerName: string | null;
  /** ours / peer for "higher is better" metrics, peer / ours for latencies: > 1 always means we are better. */
  readonly ratio: number | null;
  readonly target: string | null;
}

export interface BenchContext {
  readonly log: (line: string) => void;
}

export interface BenchModule {
  default: (context: BenchContext) => Promise<BenchRow[]>;
}

/** Percentile of a sample (nearest rank). */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
};

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
