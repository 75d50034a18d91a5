/**
 * `hsec fs`, after Hadoop's `hdfs dfs` (FsShell) for the everyday commands, with its single-dash
 * verbs, flags and messages: `-ls [-d] PATH...`, `-mkdir [-p] PATH...`, `-rm [-r|-R] [-f] PATH...`,
 * `-mv SRC... DST`, `-put [-f] LOCAL... DST` (`-` reads stdin), `-get [-f] SRC... LOCAL`, `-cat PATH...`,
 * `-chmod [-R] MODE PATH...`, `-chown [-R] [OWNER][:[GROUP]] PATH...`, `-chgrp [-R] GROUP PATH...`
 * (../fs-permissions.ts), `-du [-s] [-h] [-v]`, `-count [-q] [-h] [-v] [-u]`, `-setrep [-R] REP`,
 * `-test -[defrswz]`, `-touch [-a] [-m] [-c]`, `-stat [FORMAT]` (../fs-queries.ts).
 * Paths are HDFS paths: absolute, relative to the home directory, or `hdfs://host:port/path` of the
 * NameNode in fs.defaultFS (or -fs). Like FsShell, -put writes `DST._COPYING_` and renames it when
 * complete, -get writes `LOCAL._COPYING_`, and a failed path is reported as `-verb: `path': reason`
 * while the others go on (exit 1 at the end). Transfers show a progress line on a terminal (stderr),
 * none when piped.
 */
import type { Command } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename as renameLocal, stat as statLocal, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HsecError, RemoteError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { UsageError } from '../usage.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { childPath } from '../../client/hdfs-path.ts';
import { permissionString, type FileStatus } from '../../client/file-status.ts';
import { progressMeter } from '../progress.ts';
import { ATTRIBUTE_USAGES, changeAttributes, parseAttributeCommand, type AttributeVerb } from '../fs-permissions.ts';
import { checkTestArgs, count, du, QUERY_FLAGS, QUERY_USAGES, setrep, stat, test, touch } from '../fs-queries.ts';
import type { CliIo } from './fetchdt.ts';

const USAGES: Readonly<Record<string, string>> = {
  '-ls': 'hsec fs -ls [-d] [<path> ...]',
  '-mkdir': 'hsec fs -mkdir [-p] <path> ...',
  '-rm': 'hsec fs -rm [-f] [-r|-R] <src> ...',
  '-mv': 'hsec fs -mv <src> ... <dst>',
  '-put': 'hsec fs -put [-f] <localsrc> ... <dst>',
  '-get': 'hsec fs -get [-f] <src> ... <localdst>',
  '-cat': 'hsec fs -cat <src> ...',
  ...ATTRIBUTE_USAGES,
  ...QUERY_USAGES,
};

export function fsUsage(): string {
  return `Usage: hsec fs [generic options]\n${Object.values(USAGES).map((u) => `\t${u.slice('hsec fs '.length)}`).join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('fs')
    .description('HDFS file commands like hdfs dfs: -ls, -mkdir, -rm, -mv, -put, -get, -cat, -chmod, -chown, -chgrp, -du, -count, -setrep, -test, -touch, -stat')
    .usage('-ls|-mkdir|-rm|-mv|-put|-get|-cat|-chmod|-chown|-chgrp|-du|-count|-setrep|-test|-touch|-stat [flags] PATH...')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runFs(cliConfigSource(command), args);
    });
}

interface FsIo extends CliIo {
  /** Raw output (file contents for -cat); default stdout. */
  data?: NodeJS.WritableStream;
  /** Where -put - reads; default stdin. */
  stdin?: NodeJS.ReadableStream;
  err?: (s: string) => void;
}

/** Splits `-r -f` style flags (also bundled `-rf`) off the operands. */
function flags(args: readonly string[], allowed: string): { set: Set<string>; operands: string[] } {
  const set = new Set<string>();
  const operands: string[] = [];
  for (const a of args) {
    if (/^-[A-Za-z]+$/.test(a) && operands.length === 0) {
      for (const c of a.slice(1)) {
        if (!allowed.includes(c)) throw new UsageError(`Illegal option -${c}`, '');
        set.add(c);
      }
    } else operands.push(a);
  }
  return { set, operands };
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` / `-fs` options). */
export async function runFs(config: CliConfigArg, argv: readonly string[], io: FsIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [verb, ...rest] = argv;
  if (!verb || verb === '-help' || verb === '--help') {
    out(fsUsage());
    return verb ? 0 : 2;
  }
  const usage = USAGES[verb];
  if (!usage) throw new UsageError(`${verb}: Unknown command`, fsUsage().trimEnd());
  if (isAttributeVerb(verb)) return runAttributeCommand(config, verb, rest, io);
  let parsed;
  try {
    parsed = flags(rest, QUERY_FLAGS[verb] ?? (verb === '-ls' ? 'd' : verb === '-mkdir' ? 'p' : verb === '-rm' ? 'rRf' : verb === '-put' || verb === '-get' ? 'f' : ''));
  } catch (e) {
    throw new UsageError(`${verb}: ${(e as Error).message}`, usage);
  }
  const { set, operands } = parsed;
  const minOperands = verb === '-mv' || verb === '-put' || verb === '-get' || verb === '-setrep' ? 2 : verb === '-ls' ? 0 : 1;
  if (operands.length < minOperands) throw new UsageError(`${verb}: ${operands.length === 0 ? 'Not enough arguments' : 'Not enough arguments: expected a destination'}`, usage);
  const conf = loadCliConfiguration(config, env);
  const fs = await HdfsClient.connect({ conf, env });
  let failures = 0;
  /** FsShell's per-path error line (Command.displayError): `verb: `path': reason` for a path error, `verb: reason` for the NameNode's. */
  const each = async (path: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof HsecError)) throw e;
      failures++;
      const shown = typeof e.details['shellPath'] === 'string' ? e.details['shellPath'] : path;
      err(`${verb.slice(1)}: ${fromNameNode(e) ? '' : `\`${shown}': `}${reason(e)}\n`);
    }
  };
  try {
    switch (verb) {
      case '-ls':
        for (const p of operands.length > 0 ? operands : ['.']) await each(p, async () => out(await ls(fs, p, set.has('d'))));
        break;
      case '-mkdir':
        for (const p of operands) {
          await each(p, async () => {
            if (!set.has('p') && (await fs.exists(p))) throw fileExists(fs.resolve(p));
            await fs.mkdir(p, { recursive: set.has('p') });
          });
        }
        break;
      case '-rm':
        for (const p of operands) {
          await each(p, async () => {
            if (!(await fs.exists(p))) {
              if (set.has('f')) return;
              throw fileNotFound(fs.resolve(p));
            }
            const status = await fs.stat(p);
            if (status.type === 'directory' && !set.has('r') && !set.has('R')) throw new HsecError('FILE_IO', 'Is a directory', { path: p });
            if (await fs.delete(p, { recursive: true })) out(`Deleted ${p}\n`);
          });
        }
        break;
      case '-mv': {
        const dst = operands[operands.length - 1]!;
        for (const src of operands.slice(0, -1)) {
          await each(src, async () => {
            if (!(await fs.rename(src, dst))) throw new HsecError('FILE_IO', `rename to ${dst} failed (the destination exists or its parent is missing)`, { path: src });
          });
        }
        break;
      }
      case '-put':
        await put(fs, operands, set.has('f'), each, io);
        break;
      case '-get':
        await get(fs, operands, set.has('f'), each);
        break;
      case '-cat':
        for (const p of operands) await each(p, () => pipeline(fs.createReadStream(p), io.data ?? process.stdout, { end: false }));
        break;
      case '-du':
        await du({ fs, operands, flags: set, each, out });
        break;
      case '-count':
        await count({ fs, operands, flags: set, each, out });
        break;
      case '-setrep':
        await setrep({ fs, operands, flags: set, each, out });
        break;
      case '-touch':
        await touch({ fs, operands, flags: set, each, out });
        break;
      case '-stat':
        await stat({ fs, operands, flags: set, each, out });
        break;
      case '-test': {
        // Test prints nothing: the exit code is the answer (an error reading the path is printed, and 1)
        checkTestArgs(set, operands);
        let result = 1;
        await each(operands[0] ?? '', async () => {
          result = await test({ fs, operands, flags: set, each, out });
        });
        return failures === 0 ? result : 1;
      }
    }
  } finally {
    fs.close();
  }
  return failures === 0 ? 0 : 1;
}

function isAttributeVerb(verb: string): verb is AttributeVerb {
  return verb === '-chmod' || verb === '-chown' || verb === '-chgrp';
}

/** -chmod / -chown / -chgrp: every path, each failure on its own line, exit 1 when any failed (Command.run). */
async function runAttributeCommand(config: CliConfigArg, verb: AttributeVerb, args: readonly string[], io: FsIo): Promise<number> {
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const command = parseAttributeCommand(verb, args);
  const fs = await HdfsClient.connect({ conf: loadCliConfiguration(config, env), env });
  const name = verb.slice(1);
  let failures = 0;
  const fail = (what: string | undefined, e: HsecError) => {
    failures++;
    err(`${name}: ${what ? `${what}: ` : ''}${reason(e)}\n`);
  };
  try {
    for (const path of command.paths) {
      try {
        await changeAttributes(fs, command.change, path, command.recursive, fail);
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
        // a missing argument is PathNotFoundException ("`p': No such file or directory"); others show their message only
        fail(e.code === 'FILE_NOT_FOUND' ? `\`${path}'` : undefined, e);
      }
    }
  } finally {
    fs.close();
  }
  return failures === 0 ? 0 : 1;
}

/**
 * The message FsShell prints after the path: the NameNode's text (the remote exception's message,
 * first line, as Command.displayError shows it), or ours.
 */
function reason(e: HsecError): string {
  if (e.code === 'FILE_NOT_FOUND') return 'No such file or directory';
  const remote = e.details['errorMsg'];
  if (typeof remote === 'string') return remote.split('\n')[0]!;
  if (e instanceof RemoteError) return e.message.split('\n')[0]!;
  return e.message;
}

/**
 * True for a refusal the NameNode sent (AccessControlException and the like): FsShell prints its
 * message alone. Path errors (PathIOException: not found, exists, is a directory) carry the path.
 */
function fromNameNode(e: HsecError): boolean {
  if (e.code === 'FILE_NOT_FOUND') return false;
  if (e.details['messageOnly'] === true) return true; // a plain IOException of the shell (SetReplication's)
  return typeof e.details['errorMsg'] === 'string' || e instanceof RemoteError;
}

function fileNotFound(path: string): HsecError {
  return new HsecError('FILE_NOT_FOUND', 'No such file or directory', { path });
}

function fileExists(path: string): HsecError {
  return new HsecError('FILE_IO', 'File exists', { path });
}

/** Ls.processPath's line format: widths from the longest replication, owner, group and size of the listing. */
async function ls(fs: HdfsClient, path: string, dirOnly: boolean): Promise<string> {
  const self = await fs.stat(path);
  const items = self.type === 'directory' && !dirOnly ? await fs.list(path) : [self];
  const w = (f: (s: FileStatus) => string) => Math.max(0, ...items.map((s) => f(s).length));
  const repl = (s: FileStatus) => (s.type === 'file' ? String(s.replication) : '-');
  const [wr, wo, wg, wl] = [w(repl), w((s) => s.owner), w((s) => s.group), w((s) => String(s.length))];
  const lines = items.map((s) =>
    `${s.type === 'directory' ? 'd' : '-'}${permissionString(s.permission)} ${repl(s).padStart(wr)} ${s.owner.padEnd(wo)} ${s.group.padEnd(wg)} ${String(s.length).padStart(wl)} ${lsDate(s.modificationTime)} ${displayPath(path, s.path, self)}`,
  );
  return `${self.type === 'directory' && !dirOnly && items.length > 0 ? `Found ${items.length} items\n` : ''}${lines.map((l) => `${l}\n`).join('')}`;
}

/** The path as FsShell prints it: under the argument as given (relative stays relative). */
function displayPath(arg: string, full: string, parent: FileStatus): string {
  if (full === parent.path) return arg;
  const name = full.slice(full.lastIndexOf('/') + 1);
  return arg === '.' ? name : childPath(arg.replace(/\/+$/, '') || '/', name);
}

/** `yyyy-MM-dd HH:mm` in local time (Ls's SimpleDateFormat). */
function lsDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

/** CopyFromLocal: each source to DST (a directory: DST/name), through DST._COPYING_ renamed at the end. */
async function put(fs: HdfsClient, operands: readonly string[], overwrite: boolean, each: Each, io: FsIo): Promise<void> {
  const sources = operands.slice(0, -1);
  const dst = operands[operands.length - 1]!;
  const dstIsDir = (await fs.exists(dst)) && (await fs.stat(dst)).type === 'directory';
  if (sources.length > 1 && !dstIsDir) throw new UsageError(`-put: \`${dst}': Is not a directory`, USAGES['-put']!);
  for (const src of sources) {
    await each(src, async () => {
      const name = src === '-' ? 'stdin' : basename(src);
      const target = dstIsDir ? childPath(fs.resolve(dst), name) : fs.resolve(dst);
      // PathExistsException names the target as the user wrote the destination
      const shellPath = dstIsDir ? (dst === '.' ? name : childPath(dst.replace(/\/+$/, '') || '/', name)) : dst;
      if (!overwrite && (await fs.exists(target))) throw new HsecError('FILE_IO', 'File exists', { path: target, shellPath });
      const copying = `${target}._COPYING_`;
      const size = src === '-' ? undefined : (await statLocal(src).catch(() => undefined))?.size;
      const input = src === '-' ? (io.stdin ?? process.stdin) : createReadStream(src);
      const meter = progressMeter(`put ${src}`, size);
      try {
        await pipeline(input, meter, fs.createWriteStream(copying, { overwrite: true }));
      } catch (e) {
        await fs.delete(copying).catch(() => false);
        throw localError(e, src);
      }
      if (overwrite) await fs.delete(target).catch(() => false);
      if (!(await fs.rename(copying, target))) throw new HsecError('FILE_IO', `could not rename ${copying} to ${target}`, { path: target });
    });
  }
}

/** CopyToLocal: each source to LOCAL (a directory: LOCAL/name), through LOCAL._COPYING_. */
async function get(fs: HdfsClient, operands: readonly string[], overwrite: boolean, each: Each): Promise<void> {
  const sources = operands.slice(0, -1);
  const dst = operands[operands.length - 1]!;
  const dstIsDir = (await statLocal(dst).catch(() => undefined))?.isDirectory() ?? false;
  for (const src of sources) {
    await each(src, async () => {
      const status = await fs.stat(src);
      const target = dstIsDir ? `${dst.replace(/\/+$/, '')}/${basename(status.path)}` : dst;
      if (!overwrite && (await statLocal(target).catch(() => undefined))) throw new HsecError('FILE_IO', 'File exists', { path: target, shellPath: target });
      const copying = `${target}._COPYING_`;
      try {
        await pipeline(fs.createReadStream(src), progressMeter(`get ${src}`, status.length), createWriteStream(copying, { mode: 0o644 }));
        await renameLocal(copying, target);
      } catch (e) {
        await unlink(copying).catch(() => undefined);
        throw localError(e, target);
      }
    });
  }
}

/** A local file failure as a typed FileError naming the path (an HsecError passes through). */
function localError(e: unknown, path: string): HsecError {
  return e instanceof HsecError ? e : fileError('copy', path, e);
}
