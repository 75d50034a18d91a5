/**
 * Running a daemon in the foreground, the same way for every `hsec <daemon>` command (Hadoop's
 * `hdfs --daemon` scripts and ServiceOperations): start it, write the pid file
 * (`$HADOOP_PID_DIR/hsec-<user>-<daemon>.pid`, default dir /tmp, as hadoop-functions.sh names
 * `hadoop-<user>-<daemon>.pid`), print one ready line on stdout (scripts and tests wait for it),
 * stop cleanly on SIGTERM or SIGINT (a second signal exits at once) or when the daemon reports
 * that it cannot go on (exit code 1), then remove the pid file. An
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
  /** Resolves when the daemon cannot go on (e.g. a DataNode whose storage belongs to another cluster): it is stopped and the exit code is 1. */
  readonly failed?: Promise<Error>;
  /** Resolves with a reason when the daemon was asked to stop over RPC (`hdfs dfsadmin -shutdownDatanode`): exit code 0. */
  readonly ended?: Promise<string>;
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
    const signal = nextSignal();
    const never = new Promise<never>(() => undefined);
    const ended = await Promise.race([signal.promise, daemon.failed ?? never, daemon.ended ?? never]);
    const failure = ended instanceof Error ? ended : undefined;
    if (failure || (daemon.ended && ended !== 'SIGTERM' && ended !== 'SIGINT')) signal.cancel();
    if (failure) {
      log.error({ daemon: options.name, err: failure }, 'the daemon cannot go on');
    }
    out(`hsec ${options.name}: stopping (${failure ? `failed: ${failure.message}` : String(ended)})`);
    await daemon.stop();
    await unlink(pidFile).catch(() => undefined);
    out(`hsec ${options.name}: stopped`);
    return failure ? 1 : 0;
  } finally {
    guard();
  }
}

/** The first SIGTERM or SIGINT; a second one while stopping exits at once. `cancel` stops listening. */
function nextSignal(): { promise: Promise<NodeJS.Signals>; cancel(): void } {
  let on: (s: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    on = (s: NodeJS.Signals) => {
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
  return {
    promise,
    cancel: () => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
    },
  };
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
