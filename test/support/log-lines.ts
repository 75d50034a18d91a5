// Log lines a component writes while a call runs, captured through a host logger (as an embedding
// program would pass one): the namenode.audit lines every test of FSNamesystem's audit lines checks,
// and the lines of one level of any component.
import { configureLogging, levelFromEnv, type Logger } from '../../lib/log/logger.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

/**
 * The `method` lines `component` logs while `fn` runs, each its fields plus `line` (the message);
 * the host logger reports `threshold` (default trace: every level) as its level.
 */
export async function logLines(component: string, method: Level, fn: () => Promise<void>, threshold: string = 'trace'): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  const drop = () => undefined;
  const host = {
    child: (b: Record<string, unknown>) => ({
      ...Object.fromEntries(LEVELS.map((l) => [l, drop])),
      isLevelEnabled: (l: string) => LEVELS.indexOf(l as Level) >= LEVELS.indexOf(threshold as Level),
      child: host.child,
      [method]: (fields: Record<string, unknown>, msg: string) => {
        if (b['component'] === component) seen.push({ ...fields, line: msg });
      },
    }),
  } as unknown as Logger;
  configureLogging({ logger: host });
  try {
    await fn();
  } finally {
    configureLogging({ level: levelFromEnv() ?? 'silent' });
  }
  return seen;
}

/** The namenode.audit lines logged while `fn` runs; the host logger reports `level` as its threshold. */
export function auditLines(fn: () => Promise<void>, level = 'trace'): Promise<Record<string, unknown>[]> {
  return logLines('namenode.audit', 'info', fn, level);
}
