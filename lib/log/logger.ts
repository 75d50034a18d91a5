/**
 * Logging through pino. Every logger redacts the field names that could hold secrets, as a second
 * line of defence: code must not log secrets in the first place. Level from HSEC_LOG_LEVEL
 * (default `info`; tests default to `silent` unless HSEC_LOG_LEVEL is set).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = ['password', 'key', 'keys', 'secret', 'tokenPassword', 'sessionKey', 'keyBytes'];

function defaultLevel(): string {
  if (process.env.HSEC_LOG_LEVEL) return process.env.HSEC_LOG_LEVEL;
  return process.env.npm_lifecycle_event === 'test' ? 'silent' : 'info';
}

const root: Logger = pino({
  level: defaultLevel(),
  base: undefined,
  redact: { paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)], censor: '[redacted]' },
});

/** A child logger for one component, e.g. `getLogger('sasl.digest-md5')`. */
export function getLogger(component: string): Logger {
  return root.child({ component });
}
