/** One schema change. Applied once, in version order, each in its own transaction; never edited after release. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
