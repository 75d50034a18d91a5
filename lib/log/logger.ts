/**
 * Logging. Library code asks for a component logger (`getLogger('rpc.server')`) at module load; what
 * it writes to is decided later, by whoever owns the process:
 * - a library host calls `configureLogging({ logger })` with its own pino (or pino-compatible)
 *   logger, or `configureLogging({ level })`; until then hsec is silent unless HSEC_LOG_LEVEL is set,
 *   so `import 'hsec'` never writes to the host's stdout or stderr;
 * - the `hsec` CLI and daemons call `configureLogging({ level, format })`: lines go to stderr, never
 *   stdout; `pretty` lines (time, level, component, message, fields) when stderr is a terminal, JSON
 *   lines otherwise or with HSEC_LOG_FORMAT=json.
 * Component loggers are facades that follow the current configuration, so a logger taken at import
 * time writes wherever the process configured later. Every logger hsec builds redacts the field
 * names that could hold secrets, at the top level and nested up to REDACT_DEPTH objects deep, as a
 * second line of defence: code must not log secrets in the first place. A logger the host passes in
 * is used as it is (its own redaction applies). pino itself is loaded on the first line actually
 * logged, so a command that logs nothing does not pay for it.
 */
import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';
import { ConfigError } from '../errors/index.ts';
import { prettyDestination } from './pretty.ts';

/** The levels, most verbose first; `silent` logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'pretty' | 'json';

type LogFn = {
  (obj: object, msg?: string): void;
  (msg: string): void;
};

/** What hsec needs of a logger; pino's Logger fits, and so does any logger with these methods. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled(level: string): boolean;
}

const SECRET_FIELDS = ['password', 'key', 'keys', 'secret', 'tokenPassword', 'sessionKey', 'keyBytes'];

/** How many levels of nesting below the log object the secret names are redacted at. */
export const REDACT_DEPTH = 4;

/** The pino redact paths: each secret name at depth 0..REDACT_DEPTH (`*.` once per level). */
export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((f) => Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => `${'*.'.repeat(depth)}${f}`));

/** HSEC_LOG_LEVEL, checked: a bad value is a one-line ConfigError naming the valid ones. */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel | undefined {
  const raw = env.HSEC_LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError('CONFIG_INVALID', `HSEC_LOG_LEVEL=${env.HSEC_LOG_LEVEL} is not a log level: use one of ${LOG_LEVELS.join(', ')}`, { option: 'HSEC_LOG_LEVEL' });
  }
  return raw as LogLevel;
}

/** HSEC_LOG_FORMAT (pretty | json), checked; undefined when unset. */
export function formatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat | undefined {
  const raw = env.HSEC_LOG_FORMAT?.trim().toLowerCase();
  if (!raw) return undefined;
  if (raw !== 'pretty' && raw !== 'json') {
    throw new ConfigError('CONFIG_INVALID', `HSEC_LOG_FORMAT=${env.HSEC_LOG_FORMAT} is not a log format: use pretty or json`, { option: 'HSEC_LOG_FORMAT' });
  }
  return raw;
}

type PinoModule = typeof import('pino');
let pinoModule: PinoModule | undefined;
/** pino, loaded on first use (CommonJS, so a synchronous require works from ESM). */
function pino(): PinoModule {
  pinoModule ??= createRequire(import.meta.url)('pino') as PinoModule;
  return pinoModule;
}

/** JSON lines on stderr (file descriptor 2, synchronous writes). */
function stderrDestination(): DestinationStream {
  return pino().destination(2);
}

/** A root logger with hsec's redaction, writing JSON lines to `destination` (default stderr). */
export function createRootLogger(destination?: DestinationStream, level: LogLevel = 'info'): Logger {
  return pino().pino({ level, base: undefined, redact: { paths: [...REDACT_PATHS], censor: '[redacted]' } }, destination ?? stderrDestination());
}

export interface LoggingOptions {
  /** Use this logger (the host's pino, say) for every hsec component; level and format are then its own. */
  logger?: Logger;
  /** Level of hsec's own logger (default: HSEC_LOG_LEVEL, else `info`). */
  level?: LogLevel;
  /** `pretty` or `json` (default: HSEC_LOG_FORMAT, else pretty when stderr is a terminal). */
  format?: LogFormat;
  /** Where hsec's own logger writes (default stderr). */
  destination?: DestinationStream;
}

let root: Logger | undefined;
/** The level of hsec's own logger (undefined with a host logger, which decides for itself). */
let ownLevel: LogLevel | undefined;
/** Builds the configured root on first use (see rootLogger). */
let makeRoot: (() => Logger) | undefined;
/** Bumped on every configureLogging, so component facades rebuild their child logger. */
let generation = 0;

/**
 * Sets where every hsec component logs from now on (see the file comment). Throws ConfigError for a
 * bad HSEC_LOG_LEVEL / HSEC_LOG_FORMAT when those are used.
 */
export function configureLogging(options: LoggingOptions = {}): void {
  root = options.logger;
  ownLevel = undefined;
  if (!options.logger) {
    const level = options.level ?? levelFromEnv() ?? 'info';
    ownLevel = level;
    const format = options.format ?? formatFromEnv() ?? (process.stderr.isTTY ? 'pretty' : 'json');
    makeRoot = level === 'silent' ? silentRoot : () => createRootLogger(options.destination ?? (format === 'pretty' ? prettyDestination(process.stderr) : undefined), level);
  }
  generation++;
}

/** The logger before anyone configured one: silent, unless HSEC_LOG_LEVEL asks for lines (JSON or pretty on stderr). */
function defaultRoot(): Logger {
  let level: LogLevel = 'silent';
  try {
    level = levelFromEnv() ?? 'silent';
  } catch {
    // a bad HSEC_LOG_LEVEL in a library host: stay silent; the CLI reports it
  }
  if (level === 'silent') return silentRoot();
  const format = formatFromEnv() ?? (process.stderr.isTTY ? 'pretty' : 'json');
  return createRootLogger(format === 'pretty' ? prettyDestination(process.stderr) : undefined, level);
}

/** A logger that drops everything, without loading pino. */
function silentRoot(): Logger {
  const drop = () => undefined;
  const silent: Logger = { trace: drop, debug: drop, info: drop, warn: drop, error: drop, fatal: drop, child: () => silent, isLevelEnabled: () => false };
  return silent;
}

/** The current root logger (configured, or the silent default); built on first use. */
export function rootLogger(): Logger {
  root ??= (makeRoot ?? defaultRoot)();
  return root;
}

/** A component logger that writes through whatever root logger is configured when it logs. */
class ComponentLogger implements Logger {
  readonly #bindings: Record<string, unknown>;
  #generation = -1;
  #current: Logger | undefined;

  constructor(bindings: Record<string, unknown>) {
    this.#bindings = bindings;
  }

  #target(): Logger {
    if (this.#generation !== generation || !this.#current) {
      this.#current = rootLogger().child(this.#bindings);
      this.#generation = generation;
    }
    return this.#current;
  }

  trace: LogFn = (a: object | string, msg?: string) => forward(() => this.#target(), 'trace', a, msg);
  debug: LogFn = (a: object | string, msg?: string) => forward(() => this.#target(), 'debug', a, msg);
  info: LogFn = (a: object | string, msg?: string) => forward(() => this.#target(), 'info', a, msg);
  warn: LogFn = (a: object | string, msg?: string) => forward(() => this.#target(), 'warn', a, msg);
  error: LogFn = (a: object | string, msg?: string) => forward(() => this.#target(), 'error', a, msg);
  fatal: LogFn = (a: object | string, msg?: string) => forward(() => this.#target(), 'fatal', a, msg);

  child(bindings: Record<string, unknown>): Logger {
    return new ComponentLogger({ ...this.#bindings, ...bindings });
  }

  isLevelEnabled(level: string): boolean {
    return !dropped(level as LogLevel) && this.#target().isLevelEnabled(level);
  }
}

/** True when hsec's own logger is configured below `level` (so nothing is built to drop the line). */
function dropped(level: LogLevel): boolean {
  return ownLevel !== undefined && LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(ownLevel);
}

function forward(target: () => Logger, level: Exclude<LogLevel, 'silent'>, a: object | string, msg?: string): void {
  if (dropped(level)) return;
  if (typeof a === 'string') target()[level](a);
  else target()[level](a, msg);
}

/** A logger for one component, e.g. `getLogger('sasl.digest-md5')`; safe to take at module load. */
export function getLogger(component: string): Logger {
  return new ComponentLogger({ component });
}
