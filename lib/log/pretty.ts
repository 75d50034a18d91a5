/**
 * Human-readable log lines for a terminal: pino writes its JSON line here and we print
 * `2026-12-04 18:07:00.123 WARN  rpc.server: message key=value ...` instead. Redaction has already
 * happened in pino, so the fields printed are the censored ones. Colours only on a terminal and
 * only without NO_COLOR (no-color.org).
 */
import type { DestinationStream } from 'pino';

/** pino's numeric levels. */
const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Readonly<Record<number, string>> = { 10: '\x1b[90m', 20: '\x1b[36m', 30: '\x1b[32m', 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[35m' };
const RESET = '\x1b[0m';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local time with milliseconds: `2026-12-04 18:07:00.123`. */
export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object') {
    const e = v as { type?: unknown; message?: unknown; code?: unknown };
    // pino's serialised errors: show code and message, not the stack.
    if (typeof e.message === 'string' && typeof e.type === 'string') return JSON.stringify(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${e.message}`);
  }
  return JSON.stringify(v) ?? String(v);
}

/** One pino JSON record as a terminal line (without the newline). */
export function formatLogRecord(record: Record<string, unknown>, colour = false): string {
  const { level, time, component, msg, pid: _pid, hostname: _host, ...fields } = record;
  const levelNumber = typeof level === 'number' ? level : 30;
  const name = (LEVEL_NAMES[levelNumber] ?? String(level)).padEnd(5);
  const levelText = colour ? `${LEVEL_COLOURS[levelNumber] ?? ''}${name}${RESET}` : name;
  const when = typeof time === 'number' ? formatLogTime(time) : formatLogTime(Date.now());
  const where = typeof component === 'string' ? `${component}: ` : '';
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${formatValue(v)}`);
  return [`${when} ${levelText} ${where}${typeof msg === 'string' ? msg : ''}`, ...rest].join(' ');
}

/** A pino destination that prints pretty lines to `out` (a TTY stream, usually stderr). */
export function prettyDestination(out: NodeJS.WritableStream & { isTTY?: boolean }): DestinationStream {
  const colour = out.isTTY === true && !process.env.NO_COLOR;
  return {
    write(line: string): void {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(`${formatLogRecord(record, colour)}\n`);
    },
  };
}
