// The namenode.audit lines a namesystem call logs, captured through a host logger (as an embedding
// program would pass one): one helper for every test that checks FSNamesystem's audit lines.
import { configureLogging, levelFromEnv, type Logger } from '../../lib/log/logger.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * The namenode.audit lines logged while `fn` runs, each its fields plus `line` (the message); the
 * host logger reports `level` (default trace: every level) as its threshold.
 */
export async function auditLines(fn: () => Promise<void>, level = 'trace'): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  const drop = () => undefined;
  const host = {
    child: (b: Record<string, unknown>) => ({
      trace: drop, debug: drop, warn: drop, error: drop, fatal: drop, isLevelEnabled: (l: string) => LEVELS.indexOf(l) >= LEVELS.indexOf(level), child: host.child,
      info: (fields: Record<string, unknown>, msg: string) => {
        if (b['component'] === 'namenode.audit') seen.push({ ...fields, line: msg });
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
