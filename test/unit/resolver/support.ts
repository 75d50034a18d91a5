/** Helpers for resolver unit tests: a captured pino logger, diagnostics channel recording, temp files. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRootLogger, type Logger } from '../../../lib/log/logger.ts';

/** A logger whose JSON lines land in `lines`. */
export function capturedLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createRootLogger(stream, 'debug'), lines };
}

/** Records a diagnostics channel until `stop()`. */
export function record(name: string): { events: Record<string, unknown>[]; stop: () => void; next: (pred?: (e: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>> } {
  const events: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  const on = (m: unknown): void => {
    const e = m as Record<string, unknown>;
    events.push(e);
    for (const w of waiters.splice(0)) (w.pred(e) ? w.resolve(e) : waiters.push(w));
  };
  subscribe(name, on);
  return {
    events,
    stop: () => unsubscribe(name, on),
    next: (pred = () => true) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} event within 5 s`)), 5000);
        waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      }),
  };
}

/** A temp dir with `write(name, text)` returning the path, removed by `cleanup()`. */
export function tempDir(): { dir: string; write: (name: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hsec-resolver-'));
  return {
    dir,
    write: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A ConfigSource over a plain object. */
export function confOf(values: Record<string, string>): { get(key: string): string | undefined } {
  return { get: (k) => values[k] };
}
