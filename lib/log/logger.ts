/**
 * Logging through pino. Every logger redacts the field names that could hold secrets, as a second
 * line of defence: code must not log secrets in the first place. The redaction covers those names at
 * the top level and nested up to REDACT_DEPTH objects deep (`password`, `*.password`,
 * `*.*.password`, ...: pino's redact paths, where `*` matches any one key). Level from
 * HSEC_LOG_LEVEL (default `info`; tests default to `silent` unless HSEC_LOG_LEVEL is set).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = ['password', 'key', 'keys', 'secret', 'tokenPassword', 'sessionKey', 'keyBytes'];

/** How many levels of nesting below the log object the secret names are redacted at. */
export const REDACT_DEPTH = 4;

/** The pino redact paths: each secret name at depth 0..REDACT_DEPTH (`*.` once per level). */
export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((f) => Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => `${'*.'.repeat(depth)}${f}`));

function defaultLevel(): string {
  if (process.env.HSEC_LOG_LEVEL) return process.env.HSEC_LOG_LEVEL;
  return process.env.npm_lifecycle_event === 'test' ? 'silent' : 'info';
}

/** A root logger with hsec's redaction, writing to `destination` (default stdout); tests pass a stream. */
export function createRootLogger(destination?: DestinationStream, level: string = defaultLevel()): Logger {
  const options = { level, base: undefined, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

let root: Logger | undefined;

/** A child logger for one component, e.g. `getLogger('sasl.digest-md5')`. */
export function getLogger(component: string): Logger {
  root ??= createRootLogger();
  return root.child({ component });
}
