/**
 * Progress for long loads: a bar per table on a terminal, a line per quarter
 * when output is a log (CI), and a per-stage timing summary at the end.
 */
const stream = process.stderr;
const fmt = (n: number) => n.toLocaleString('en-US');

export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastQuarter = -1;

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
  ) {}

  update(done: number) {
    const now = performance.now();
    if (stream.isTTY) {
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      stream.write(`\r${this.render(done)}`);
    } else if (this.total) {
      const quarter = Math.floor((4 * done) / this.total);
      if (quarter > this.lastQuarter && quarter < 4) {
        this.lastQuarter = quarter;
        stream.write(`${this.render(done)}\n`);
      }
    }
  }

  finish(done: number): number {
    const ms = performance.now() - this.started;
    if (stream.isTTY) stream.write(`\r${this.render(done)}\n`);
    else stream.write(`${this.render(done)}\n`);
    return ms;
  }

  private render(done: number): string {
    const secs = ((performance.now() - this.started) / 1000).toFixed(1);
    if (!this.total) return `  ${this.label.padEnd(18)} ${fmt(done).padStart(11)} rows  ${secs}s`;
    const ratio = Math.min(1, done / this.total);
    const width = 24;
    const filled = Math.round(ratio * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    return `  ${this.label.padEnd(18)} [${bar}] ${String(Math.round(ratio * 100)).padStart(3)}%  ${fmt(done)}/${fmt(this.total)}  ${secs}s`;
  }
}

export interface StageTiming {
  stage: string;
  rows?: number;
  ms: number;
}

export function printTimings(timings: StageTiming[]) {
  const total = timings.reduce((a, t) => a + t.ms, 0);
  stream.write('\n  stage               rows        time     rows/s\n');
  for (const t of timings) {
    const rate = t.rows ? fmt(Math.round(t.rows / (t.ms / 1000))) : '';
    stream.write(
      `  ${t.stage.padEnd(18)} ${(t.rows === undefined ? '' : fmt(t.rows)).padStart(11)} ${(t.ms / 1000).toFixed(2).padStart(9)}s ${rate.padStart(10)}\n`,
    );
  }
  stream.write(`  ${'total'.padEnd(18)} ${''.padStart(11)} ${(total / 1000).toFixed(2).padStart(9)}s\n`);
}
