/**
 * Running a daemon in the foreground, the same way for every `hsec <daemon>` command (Hadoop's
 * `hdfs --daemon` scripts and ServiceOperations): start it, write the pid file
 * (`$HADOOP_PID_DIR/hsec-<user>-<daemon>.pid`, default dir /tmp, as hadoop-functions.sh names
 * `hadoop-<user>-<daemon>.pid`), print one ready line on stdout (scripts and tests wait for it),
 * stop cleanly on SIGTERM or SIGINT (a second signal exits at once), then remove the pid file. An
 * exception that escapes a request handler is logged and the daemon keeps serving the others.
 */
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileError } from '../../lib/fs/file-errors.ts';
import { getLogger } from '../../lib/log/logger.ts';

export interface RunningDaemon {
  /** What the ready line says after "ready": address, principal, directories. */
  readonly readyDetail: string;
  stop(): Promise<void>;
}

export interface DaemonRunOptions {
  /** The command name: `namenode`. */
  readonly name: string;
  /** Pid file path (default: see the file comment). */
  readonly pidFile?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the ready and stop lines go (default stdout). */
  readonly out?: (line: string) => void;
}

/** The line a daemon prints once it serves: `hsec namenode: ready ...`. */
export function readyLine(name: string): string {
  return `hsec ${name}: ready`;
}

export function defaultPidFile(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HADOOP_PID_DIR || tmpdir(), `hsec-${userInfo().username}-${name}.pid`);
}

const log = getLogger('daemon');

/** Starts the daemon, serves until SIGTERM/SIGINT, stops it; resolves to the exit code. */
export async function runDaemon(options: DaemonRunOptions, start: () => Promise<RunningDaemon>): Promise<number> {
  const out = options.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const pidFile = options.pidFile ?? defaultPidFile(options.name, options.env);
  const guard = guardProcess(options.name);
  try {
    const daemon = await start();
    try {
      await writeFile(pidFile, `${process.pid}\n`, { mode: 0o644 });
    } catch (e) {
      await daemon.stop();
      throw fileError('write pid file', pidFile, e, 'set HADOOP_PID_DIR to a writable directory or pass --pid-file');
    }
    out(`${readyLine(options.name)} ${daemon.readyDetail}, pid ${process.pid}`);
    const signal = await nextSignal();
    out(`hsec ${options.name}: stopping (${signal})`);
    await daemon.stop();
    await unlink(pidFile).catch(() => undefined);
    out(`hsec ${options.name}: stopped`);
    return 0;
  } finally {
    guard();
  }
}

/** The first SIGTERM or SIGINT; a second one while stopping exits at once. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      const force = () => process.exit(130);
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      resolve(s);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Logs errors that escape request handlers instead of letting them end the daemon; returns the undo. */
function guardProcess(name: string): () => void {
  const onError = (err: unknown) => log.error({ daemon: name, err }, 'unexpected error escaped a handler; the daemon keeps serving');
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  };
}
