/**
 * The benchmark harness: measures throughput (ops/s and, when an op processes bytes, MB/s) of a
 * function with a warm-up, then a fixed time budget (or an iteration cap), in batches so timer
 * reads do not dominate small ops. Results are grouped; within a group one result is the
 * baseline and every other result reports its ratio to it (e.g. auth-int and auth-conf relative
 * to auth). Suites may add derived notes (e.g. per-call overhead from a two-size fit). On a busy
 * machine, measureInterleaved alternates the entries of a comparison in short slices so load changes
 * hit them alike; results measured by another process (a JDK peer) are added with record().
 * bench/run.ts prints the table and writes JSON with machine info so runs on the same machine compare.
 */

export interface MeasureOptions {
  /** Bytes processed per call; enables MB/s (1 MB = 10^6 bytes). */
  readonly bytesPerOp?: number;
  /** Results in the same group are compared with the group's baseline. */
  readonly group?: string;
  /** Marks this result as its group's baseline (ratio 1). */
  readonly baseline?: boolean;
  /** Measurement budget in ms (default the harness's durationMs). */
  readonly durationMs?: number;
  /** Stop after this many ops even if time remains. */
  readonly maxOps?: number;
}

/**
 * One entry of measureInterleaved: a function run in this process, or `slice(ms)`, which has
 * another process (a JDK peer) measure for about `ms` and report its operations and nanoseconds.
 */
export interface InterleavedEntry {
  readonly name: string;
  readonly fn?: () => unknown;
  readonly slice?: (ms: number) => Promise<{ ops: number; ns: number }>;
  readonly options?: MeasureOptions;
}

export interface BenchResult {
  readonly suite: string;
  readonly name: string;
  readonly group: string | undefined;
  readonly baseline: boolean;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly nsPerOp: number;
  readonly bytesPerOp: number | undefined;
  readonly mbPerSec: number | undefined;
  /** opsPerSec / baseline opsPerSec within the group (set once the suite ends). */
  ratio?: number | undefined;
}

export interface HarnessOptions {
  /** Measurement budget per result, ms. Default 600. */
  readonly durationMs?: number;
  /** Warm-up per result, ms. Default 150. */
  readonly warmupMs?: number;
}

export class Harness {
  readonly suite: string;
  readonly results: BenchResult[] = [];
  readonly notes: string[] = [];
  readonly #durationMs: number;
  readonly #warmupMs: number;

  constructor(suite: string, options: HarnessOptions = {}) {
    this.suite = suite;
    this.#durationMs = options.durationMs ?? 600;
    this.#warmupMs = options.warmupMs ?? 150;
  }

  /** Measures `fn` and records the result; `fn` is either always synchronous or always returns a promise. */
  async measure(name: string, fn: () => unknown, options: MeasureOptions = {}): Promise<BenchResult> {
    await this.#loop(fn, this.#warmupMs, Number.POSITIVE_INFINITY);
    const { ops, ns } = await this.#loop(fn, options.durationMs ?? this.#durationMs, options.maxOps ?? Number.POSITIVE_INFINITY);
    return this.#record(name, ops, ns, options);
  }

  /**
   * Measures several functions in alternating slices (round after round, each gets `sliceMs`), so a
   * busy machine's load changes hit all of them alike and their ratios stay comparable. Each first
   * gets a warm-up. Records one result per entry, in the given order.
   */
  async measureInterleaved(entries: readonly InterleavedEntry[], rounds = 8, sliceMs = Math.max(50, Math.round(this.#durationMs / 4))): Promise<BenchResult[]> {
    const slice = (e: InterleavedEntry, ms: number): Promise<{ ops: number; ns: number }> =>
      e.slice ? e.slice(ms) : this.#loop(e.fn!, ms, Number.POSITIVE_INFINITY);
    for (const e of entries) await slice(e, this.#warmupMs);
    const totals = entries.map(() => ({ ops: 0, ns: 0 }));
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < entries.length; i++) {
        const { ops, ns } = await slice(entries[i]!, sliceMs);
        totals[i]!.ops += ops;
        totals[i]!.ns += ns;
      }
    }
    return entries.map((e, i) => this.#record(e.name, totals[i]!.ops, totals[i]!.ns, e.options ?? {}));
  }

  /** Records a result measured elsewhere (e.g. by a JDK peer in the same run). */
  record(name: string, ops: number, seconds: number, options: MeasureOptions = {}): BenchResult {
    return this.#record(name, ops, seconds * 1e9, options);
  }

  #record(name: string, ops: number, ns: number, options: MeasureOptions): BenchResult {
    const seconds = ns / 1e9;
    const opsPerSec = ops / seconds;
    const result: BenchResult = {
      suite: this.suite,
      name,
      group: options.group,
      baseline: options.baseline ?? false,
      ops,
      seconds,
      opsPerSec,
      nsPerOp: ns / ops,
      bytesPerOp: options.bytesPerOp,
      mbPerSec: options.bytesPerOp === undefined ? undefined : (opsPerSec * options.bytesPerOp) / 1e6,
    };
    this.results.push(result);
    return result;
  }

  /** Adds a derived observation to the report (printed under the table, stored in JSON). */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Fills in ratios to each group's baseline. */
  finish(): void {
    for (const r of this.results) {
      if (r.group === undefined) continue;
      const base = this.results.find((b) => b.group === r.group && b.baseline);
      if (base) r.ratio = r.opsPerSec / base.opsPerSec;
    }
  }

  async #loop(fn: () => unknown, budgetMs: number, maxOps: number): Promise<{ ops: number; ns: number }> {
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(budgetMs * 1e6));
    // A function that returned no promise on its first call is called in a plain loop: checking
    // each result for a promise cost about 100 ns a call, a sixth of a token MAC.
    const first = fn();
    const async = first instanceof Promise;
    if (async) await first;
    let ops = 1;
    let batch = 1;
    for (;;) {
      const t0 = process.hrtime.bigint();
      if (async) for (let i = 0; i < batch; i++) await fn();
      else for (let i = 0; i < batch; i++) fn();
      ops += batch;
      const now = process.hrtime.bigint();
      if (now - start >= budget || ops >= maxOps) return { ops, ns: Number(now - start) };
      // grow the batch until one batch takes ~10 ms
      if (now - t0 < 10_000_000n) batch = Math.min(batch * 2, Math.max(1, maxOps - ops));
    }
  }
}

/** A benchmark suite module (bench/suites/*.ts). */
export interface BenchSuite {
  readonly name: string;
  run(h: Harness): Promise<void> | void;
}

/** Formats one table row set for the console. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = [['suite', 'benchmark', 'ops/s', 'MB/s', 'ns/op', 'ratio']];
  for (const r of results) {
    rows.push([
      r.suite,
      r.name,
      r.opsPerSec >= 100 ? r.opsPerSec.toFixed(0) : r.opsPerSec.toFixed(2),
      r.mbPerSec === undefined ? '' : r.mbPerSec.toFixed(1),
      r.nsPerOp.toFixed(0),
      r.ratio === undefined ? '' : r.baseline ? 'base' : r.ratio.toFixed(3),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}
