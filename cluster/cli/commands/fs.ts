/**
 * `hsec fs`, after Hadoop's `hdfs dfs` (FsShell) for the everyday commands, with its single-dash
 * verbs, flags and messages: `-ls [-d] PATH...`, `-mkdir [-p] PATH...`, `-rm [-r|-R] [-f] PATH...`,
 * `-rmdir [--ignore-fail-on-non-empty] DIR...`, `-mv SRC... DST`, `-cp [-f] [-p[topax]] [-d] SRC... DST`, `-put [-f] [-p] [-d] LOCAL... DST` (`-` reads stdin), `-get [-f] [-p] SRC... LOCAL` (-p: ../fs-preserve.ts; also as
 * `-copyFromLocal` and `-copyToLocal`), `-moveFromLocal [-f] [-p] [-d] LOCAL... DST` (a put that removes each local
 * source once copied), `-moveToLocal` (not implemented, as in Hadoop), `-getmerge [-nl] [-skip-empty-file] SRC... LOCAL` (../fs-getmerge.ts), `-cat PATH...`, `-text PATH...` (../fs-text.ts), `-head FILE`, `-tail [-f] [-s MS] FILE`,
 * `-chmod [-R] MODE PATH...`, `-chown [-R] [OWNER][:[GROUP]] PATH...`, `-chgrp [-R] GROUP PATH...`
 * (../fs-permissions.ts), `-du [-s] [-h] [-v]`, `-count [-q] [-h] [-v] [-u]`, `-setrep [-R] REP`,
 * `-test -[defrswz]`, `-touch [-a] [-m] [-t TIMESTAMP] [-c]`, `-stat [FORMAT]` (../fs-queries.ts), `-checksum [-v]`
 * (../fs-checksum.ts), `-rm [-skipTrash] [-safely]` and `-expunge [-immediate]` (../fs-rm.ts),
 * `-appendToFile [-n] LOCAL... DST` (`-` reads stdin; DST is created when missing).
 * Paths are HDFS paths: absolute, relative to the home directory, or `hdfs://host:port/path` of the
 * NameNode in fs.defaultFS (or -fs), and every HDFS path argument (the -mv and -put destination
 * too) is a glob as in FsShell: `*`, `?`, `[a-z]`, `[^a]`, `{a,b}`, `\` escapes (../fs-operands.ts,
 * ../../client/globber.ts); each match is an operand. Like FsShell, -put and -cp write `DST._COPYING_`
 * and rename it when complete (`-d`: DST itself), -get writes `LOCAL._COPYING_`; the three copy directories whole, and a failed path is reported as
 * `-verb: `path': reason` while the others go on (exit 1 at the end). Transfers show a progress line on a terminal (stderr),
 * none when piped.
 */
import type { Command } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir as mkdirLocal, readdir, rename as renameLocal, rmdir as rmdirLocal, stat as statLocal, unlink } from 'node:fs/promises';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HsecError, RemoteError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { UsageError } from '../usage.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { childPath } from '../../client/hdfs-path.ts';
import { permissionString, type FileStatus } from '../../client/file-status.ts';
import { checkDestination, existingStatus, expandDestination, expandOperand, pathError, pathNotFound, shownChild, type Operand } from '../fs-operands.ts';
import { progressMeter } from '../progress.ts';
import { ATTRIBUTE_USAGES, changeAttributes, parseAttributeCommand, type AttributeVerb } from '../fs-permissions.ts';
import { rm, RM_USAGES, runExpunge, takeRmOptions } from '../fs-rm.ts';
import { checkTestArgs, count, du, popOptionWithArgument, QUERY_FLAGS, QUERY_USAGES, setrep, stat, test, touch, touchz } from '../fs-queries.ts';
import { CHECKSUM_FLAGS, CHECKSUM_USAGE, checksum } from '../fs-checksum.ts';
import { getmerge, GETMERGE_USAGE, parseMerge } from '../fs-getmerge.ts';
import { hdfsAttributes, localAttributes, popPreserveOption, PRESERVE_ALL, preserveInHdfs, preserveLocal, type Attributes, type Preserve } from '../fs-preserve.ts';
import { text, TEXT_USAGE } from '../fs-text.ts';
import type { CliIo } from './fetchdt.ts';

const USAGES: Readonly<Record<string, string>> = {
  '-ls': 'hsec fs -ls [-d] [<path> ...]',
  '-mkdir': 'hsec fs -mkdir [-p] <path> ...',
  '-rm': RM_USAGES['-rm'],
  '-rmdir': 'hsec fs -rmdir [--ignore-fail-on-non-empty] <dir> ...',
  '-mv': 'hsec fs -mv <src> ... <dst>',
  '-cp': 'hsec fs -cp [-f] [-p | -p[topax]] [-d] <src> ... <dst>',
  '-put': 'hsec fs -put [-f] [-p] [-d] <localsrc> ... <dst>',
  '-get': 'hsec fs -get [-f] [-p] <src> ... <localdst>',
  '-copyFromLocal': 'hsec fs -copyFromLocal [-f] [-p] [-d] <localsrc> ... <dst>',
  '-copyToLocal': 'hsec fs -copyToLocal [-f] [-p] <src> ... <localdst>',
  '-getmerge': GETMERGE_USAGE,
  '-moveFromLocal': 'hsec fs -moveFromLocal [-f] [-p] [-d] <localsrc> ... <dst>',
  '-moveToLocal': 'hsec fs -moveToLocal <src> <localdst>',
  '-appendToFile': 'hsec fs -appendToFile [-n] <localsrc> ... <dst>',
  '-cat': 'hsec fs -cat <src> ...',
  '-text': TEXT_USAGE,
  '-head': 'hsec fs -head <file>',
  '-tail': 'hsec fs -tail [-f] [-s <sleep interval>] <file>',
  '-expunge': RM_USAGES['-expunge'],
  ...ATTRIBUTE_USAGES,
  ...QUERY_USAGES,
  '-checksum': CHECKSUM_USAGE,
};

export function fsUsage(): string {
  return `Usage: hsec fs [generic options]\n${Object.values(USAGES).map((u) => `\t${u.slice('hsec fs '.length)}`).join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('fs')
    .description('HDFS file commands like hdfs dfs: -ls, -mkdir, -rm, -rmdir, -mv, -cp, -put, -get (-copyFromLocal, -copyToLocal), -moveFromLocal, -getmerge, -appendToFile, -cat, -text, -head, -tail, -chmod, -chown, -chgrp, -du, -count, -setrep, -test, -touch, -touchz, -stat, -expunge, -checksum')
    .usage('-ls|-mkdir|-rm|-rmdir|-mv|-cp|-put|-get|-moveFromLocal|-getmerge|-appendToFile|-cat|-text|-head|-tail|-chmod|-chown|-chgrp|-du|-count|-setrep|-test|-touch|-touchz|-stat|-expunge|-checksum [flags] PATH...')
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

/** The fs-queries commands that run over their operands the same way. */
const QUERIES = { '-du': du, '-count': count, '-setrep': setrep, '-touch': touch, '-touchz': touchz, '-stat': stat, '-checksum': checksum } as const;

/** FsShell's CopyFromLocal and CopyToLocal: Put and Get under another name (their messages say it); MoveFromLocal: a Put that removes what it copied. */
const ALIASES: Readonly<Record<string, string>> = { '-copyFromLocal': '-put', '-copyToLocal': '-get', '-moveFromLocal': '-put' };

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` / `-fs` options). */
export async function runFs(config: CliConfigArg, argv: readonly string[], io: FsIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [named, ...rest] = argv;
  const verb = named === undefined ? undefined : (ALIASES[named] ?? named);
  if (!verb || verb === '-help' || verb === '--help') {
    out(fsUsage());
    return verb ? 0 : 2;
  }
  const usage = USAGES[named!];
  if (!usage) throw new UsageError(`${named}: Unknown command`, fsUsage().trimEnd());
  if (verb === '-moveToLocal') {
    // MoveCommands.MoveToLocal.processOptions, whatever the arguments
    err("moveToLocal: Option '-moveToLocal' is not implemented yet.\n");
    return 1;
  }
  if (isAttributeVerb(verb)) return runAttributeCommand(config, verb, rest, io);
  if (verb === '-head' || verb === '-tail') return runHeadTail(config, verb, rest, io, usage);
  if (verb === '-expunge') return runExpunge(config, rest, io, usage);
  // Rmdir's one option is a long one (CommandFormat "-ignore-fail-on-non-empty"), and so are Merge's and Rm's -skipTrash and -safely
  const ignoreNonEmpty = verb === '-rmdir' && rest[0] === '--ignore-fail-on-non-empty';
  const { skipTrash, safely, rest: args } = verb === '-rm' ? takeRmOptions(rest) : { skipTrash: false, safely: false, rest };
  const merge = verb === '-getmerge' ? parseMerge(args) : undefined;
  const timestamp = verb === '-touch' ? popOptionWithArgument(verb, '-t', args) : undefined;
  const cpPreserve = verb === '-cp' ? popPreserveOption(args, usage) : undefined;
  let parsed;
  try {
    parsed = flags(ignoreNonEmpty ? args.slice(1) : merge ? [] : args, QUERY_FLAGS[verb] ?? (verb === '-checksum' ? CHECKSUM_FLAGS : verb === '-ls' ? 'd' : verb === '-mkdir' ? 'p' : verb === '-rm' ? 'rRf' : verb === '-put' ? 'fpd' : verb === '-cp' ? 'fd' : verb === '-get' ? 'fp' : verb === '-appendToFile' ? 'n' : ''));
  } catch (e) {
    throw new UsageError(`${named}: ${(e as Error).message}`, usage);
  }
  const { set, operands } = parsed;
  if (verb === '-appendToFile' && operands.length < 2) {
    err('appendToFile: missing destination argument\n'); // AppendToFile.processOptions' IOException
    return 1;
  }
  const minOperands = verb === '-mv' || verb === '-cp' || verb === '-put' || verb === '-get' || verb === '-setrep' ? 2 : verb === '-ls' || merge ? 0 : 1;
  if (operands.length < minOperands) throw new UsageError(`${named}: ${operands.length === 0 ? 'Not enough arguments' : 'Not enough arguments: expected a destination'}`, usage);
  const conf = loadCliConfiguration(config, env);
  const fs = await HdfsClient.connect({ conf, env });
  let failures = 0;
  /** Runs one path's work; a failure is printed as FsShell prints it and counted, and the others go on. */
  const each = async (path: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof HsecError) || e instanceof UsageError) throw e; // a UsageError stops the command, as FsShell's IllegalArgumentException
      failures++;
      err(errorLine(named!.slice(1), path, e));
    }
  };
  /** Command.expandArguments: every argument's matches, a failed argument reported and left out. */
  const expand = async (args: readonly string[], ignoreMissing = false): Promise<Operand[]> => {
    const items: Operand[] = [];
    for (const arg of args) {
      await each(arg, async () => {
        try {
          items.push(...(await expandOperand(fs, arg)));
        } catch (e) {
          // Delete.Rm.expandArgument: -f makes a glob matching nothing no error
          if (!(ignoreMissing && e instanceof HsecError && e.code === 'FILE_NOT_FOUND')) throw e;
        }
      });
    }
    return items;
  };
  try {
    switch (verb) {
      case '-ls':
        for (const item of await expand(operands.length > 0 ? operands : ['.'])) await each(item.shown, async () => out(await ls(fs, item, set.has('d'))));
        break;
      case '-mkdir':
        for (const item of await expand(operands)) {
          await each(item.shown, async () => {
            if (!set.has('p') && (item.status || (await fs.exists(item.path)))) throw fileExists(item.path);
            await fs.mkdir(item.path, { recursive: set.has('p') });
          });
        }
        break;
      case '-rm':
        await rm({ fs, operands, flags: set, skipTrash, safely, each, expand, out, err, stdin: io.stdin });
        break;
      case '-mv':
        await each(operands[operands.length - 1]!, () => mv(fs, operands, each, expand));
        break;
      case '-put':
        await each(operands[operands.length - 1]!, () => put(fs, operands, { overwrite: set.has('f'), direct: set.has('d'), move: named === '-moveFromLocal', preserve: set.has('p') ? PRESERVE_ALL : undefined }, each, io));
        break;
      case '-cp':
        await each(operands[operands.length - 1]!, () => cp(fs, operands, { overwrite: set.has('f'), direct: set.has('d'), preserve: cpPreserve }, each, expand));
        break;
      case '-get':
        await get(fs, operands, { overwrite: set.has('f'), preserve: set.has('p') ? PRESERVE_ALL : undefined }, each, expand);
        break;
      case '-getmerge':
        await getmerge(fs, merge!, each, expand);
        break;
      case '-text':
        for (const item of await expand(operands)) await each(item.shown, () => text(fs, item, io.data ?? process.stdout));
        break;
      case '-appendToFile':
        await each(operands[operands.length - 1]!, () => appendToFile(fs, operands, set.has('n'), io));
        break;
      case '-cat':
        for (const item of await expand(operands)) await each(item.shown, () => pipeline(fs.createReadStream(item.path), io.data ?? process.stdout, { end: false }));
        break;
      case '-du':
      case '-count':
      case '-setrep':
      case '-touch':
      case '-touchz':
      case '-stat':
      case '-checksum':
        await QUERIES[verb]({ fs, operands, flags: set, each, out, expand, timestamp });
        break;
      case '-rmdir':
        for (const item of await expand(operands)) await each(item.shown, () => rmdir(fs, item, ignoreNonEmpty));
        break;
      case '-test': {
        // Test prints nothing: the exit code is the answer (an error reading the path is printed, and 1)
        checkTestArgs(set, operands);
        let result = 1;
        await each(operands[0] ?? '', async () => {
          result = await test({ fs, operands, flags: set, each, out, expand });
        });
        return failures === 0 ? result : 1;
      }
    }
  } finally {
    fs.close();
  }
  return failures === 0 ? 0 : 1;
}

/** Head and Tail: the first or last 1 KiB of one file (no glob, as in FsShell), -tail -f polling every -s ms (default 5000). */
const HEAD_TAIL_BYTES = 1024;
const TAIL_FOLLOW_DELAY_MS = 5000;

async function runHeadTail(config: CliConfigArg, verb: '-head' | '-tail', args: readonly string[], io: FsIo, usage: string): Promise<number> {
  const name = verb.slice(1);
  let follow = false;
  let delayMs = TAIL_FOLLOW_DELAY_MS;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (verb === '-tail' && a === '-f' && operands.length === 0) follow = true;
    else if (verb === '-tail' && a === '-s' && operands.length === 0) {
      const v = args[++i];
      if (v === undefined || !/^-?\d+$/.test(v)) throw new UsageError(`${verb}: -s needs a sleep interval in milliseconds`, usage);
      if (Number(v) > 0) delayMs = Number(v); // Tail ignores an interval that is not positive, and -s without -f
    } else if (/^-./.test(a) && operands.length === 0) throw new UsageError(`${verb}: Illegal option ${a}`, usage);
    else operands.push(a);
  }
  if (operands.length !== 1) throw new UsageError(`${verb}: ${operands.length === 0 ? 'Not enough arguments: expected 1 but got 0' : `Too many arguments: expected 1 but got ${operands.length}`}`, usage);
  const err = io.err ?? ((x: string) => void process.stderr.write(x));
  const data = io.data ?? process.stdout;
  const env = io.env ?? process.env;
  const arg = operands[0]!;
  const fs = await HdfsClient.connect({ conf: loadCliConfiguration(config, env), env });
  try {
    const path = fs.resolve(arg);
    const status = (await fs.exists(path)) ? await fs.stat(path) : undefined;
    if (!status) throw pathNotFound(arg);
    if (status.type === 'directory') throw pathError(arg, 'Is a directory');
    if (verb === '-head') {
      if (status.length > 0) await pipeline(fs.createReadStream(path, { end: Math.min(status.length, HEAD_TAIL_BYTES) - 1 }), data, { end: false });
      return 0;
    }
    // Tail.dumpFromOffset: from 1 KiB before the end, then from where the last read stopped
    let offset = -HEAD_TAIL_BYTES;
    for (;;) {
      const length = (await fs.stat(path)).length;
      if (offset > length) offset = length;
      else {
        if (offset < 0) offset = Math.max(length + offset, 0);
        if (length > offset) await pipeline(fs.createReadStream(path, { start: offset, end: length - 1 }), data, { end: false });
        offset = length;
      }
      if (!follow) return 0;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  } catch (e) {
    if (!(e instanceof HsecError)) throw e;
    err(errorLine(name, arg, e));
    return 1;
  } finally {
    fs.close();
  }
}

/** FsShell's error line (Command.displayError): `name: `path': reason` for a path error, `name: reason` for the NameNode's. */
function errorLine(name: string, path: string, e: HsecError): string {
  const shown = typeof e.details['shellPath'] === 'string' ? e.details['shellPath'] : path;
  return `${name}: ${fromNameNode(e) ? '' : `\`${shown}': `}${reason(e)}\n`;
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
    // Command.expandArguments, then each operand
    const items: Operand[] = [];
    for (const path of command.paths) {
      try {
        items.push(...(await expandOperand(fs, path)));
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
        fail(e.code === 'FILE_NOT_FOUND' ? `\`${path}'` : undefined, e);
      }
    }
    for (const item of items) {
      try {
        await changeAttributes(fs, command.change, item, command.recursive, fail);
      } catch (e) {
        if (!(e instanceof HsecError)) throw e;
        // a missing argument is PathNotFoundException ("`p': No such file or directory"); others show their message only
        fail(e.code === 'FILE_NOT_FOUND' ? `\`${item.shown}'` : undefined, e);
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
  if (e.details['globPattern'] !== undefined) return true; // GlobFilter's "Illegal file pattern: ..." (an IOException without a path)
  return typeof e.details['errorMsg'] === 'string' || e instanceof RemoteError;
}

function fileExists(path: string): HsecError {
  return new HsecError('FILE_IO', 'File exists', { path });
}

/** Ls.processPath's line format: widths from the longest replication, owner, group and size of the listing. */
async function ls(fs: HdfsClient, operand: Operand, dirOnly: boolean): Promise<string> {
  const path = operand.shown;
  const self = operand.status ?? (await fs.stat(operand.path));
  const items = self.type === 'directory' && !dirOnly ? await fs.list(self.path) : [self];
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
  return shownChild(arg, full.slice(full.lastIndexOf('/') + 1));
}

/** `name` under a local directory as the user wrote it. */
function localChild(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/** `yyyy-MM-dd HH:mm` in local time (Ls's SimpleDateFormat). */
function lsDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

type Each = (path: string, fn: () => Promise<void>) => Promise<void>;

type Expand = (args: readonly string[]) => Promise<Operand[]>;

/** The remote destination as CommandWithDestination checks it against the number of sources. */
async function checkRemoteDestination(fs: HdfsClient, dst: Operand, sources: number, overwrite: boolean): Promise<void> {
  await checkDestination(
    {
      shown: dst.shown,
      exists: dst.status !== undefined,
      isDirectory: dst.status?.type === 'directory',
      parentExists: () => fs.exists(dst.path.replace(/\/[^/]*$/, '') || '/'),
    },
    sources,
    overwrite,
  );
}

/** Where a source goes in HDFS: the absolute path, and the path as the user wrote it (for messages). */
interface Target {
  readonly path: string;
  readonly shown: string;
}

/** A source's place under (or as) the destination: CommandWithDestination.getTargetPath. */
function targetOf(dst: Operand, name: string): Target {
  if (dst.status?.type !== 'directory') return dst;
  return childTarget(dst, name);
}

/** `name` inside the directory `dir`. */
function childTarget(dir: Target, name: string): Target {
  return { path: childPath(dir.path, name), shown: shownChild(dir.shown, name) };
}

/** Delete.Rmdir: an empty directory is removed; a non-empty one is an error unless --ignore-fail-on-non-empty. */
async function rmdir(fs: HdfsClient, item: Operand, ignoreNonEmpty: boolean): Promise<void> {
  const status = await existingStatus(fs, item);
  if (!status) throw pathNotFound(item.shown);
  if (status.type !== 'directory') throw pathError(item.shown, 'Is not a directory');
  if ((await fs.list(item.path)).length > 0) {
    if (ignoreNonEmpty) return;
    throw pathError(item.shown, 'Directory is not empty');
  }
  if (!(await fs.delete(item.path))) throw pathError(item.shown, 'Input/output error');
}

/** MoveCommands.Rename: the sources' matches into the destination (one path, a directory for several). */
async function mv(fs: HdfsClient, operands: readonly string[], each: Each, expand: Expand): Promise<void> {
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  const sources = await expand(operands.slice(0, -1));
  await checkRemoteDestination(fs, dst, sources.length, false);
  for (const src of sources) {
    await each(src.shown, async () => {
      const target = targetOf(dst, basename(src.path));
      if (target !== dst && (await fs.exists(target.path))) throw pathError(target.shown, 'File exists');
      if (!(await fs.rename(src.path, target.path))) throw pathError(src.shown, 'Input/output error'); // PathIOException: rename gives no reason
    });
  }
}

/**
 * CopyFromLocal: each source to DST (a directory: DST/name), through DST._COPYING_ renamed at the end.
 * A local directory is copied with everything under it (Put sets recursive; CommandWithDestination.recursePath).
 * Local sources are not globs, as in Hadoop's Put.expandArgument: the user's shell expands them.
 */
async function put(fs: HdfsClient, operands: readonly string[], options: CopyOptions, each: Each, io: FsIo): Promise<void> {
  const sources = operands.slice(0, -1);
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  await checkRemoteDestination(fs, dst, sources.length, options.overwrite);
  for (const src of sources) {
    await each(src, async () => {
      if (src === '-') return copyFile(fs, 'put', { shown: src, size: undefined, open: () => io.stdin ?? process.stdin }, targetOf(dst, 'stdin'), options); // no -p: no source status
      return copyIntoHdfs(fs, 'put', await localSource(src), targetOf(dst, basename(src)), options, each);
    });
  }
}

/**
 * CopyCommands.AppendToFile: DST is created (without overwrite) when missing, then appended to
 * (`-n`: in a new block, CreateFlag.NEW_BLOCK) with each local file in turn, or stdin for a sole
 * `-`. Local sources are not globs. A source that cannot be read ends the command (what was
 * appended so far stays: the stream is closed, as try-with-resources closes it).
 */
async function appendToFile(fs: HdfsClient, operands: readonly string[], newBlock: boolean, io: FsIo): Promise<void> {
  const sources = operands.slice(0, -1);
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  const shellError = (message: string) => new HsecError('FILE_IO', message, { messageOnly: true });
  if (!dst.status) await fs.writeFile(dst.path, new Uint8Array(0));
  const out = fs.append(dst.path, { newBlock });
  let failure: unknown;
  out.on('error', (e) => (failure ??= e)); // the NameNode may refuse the append before any byte is written
  try {
    if (sources.includes('-')) {
      if (sources.length > 1) throw shellError('stdin (-) must be the sole input argument when present');
      await pipeline(io.stdin ?? process.stdin, out, { end: false });
    }
    for (const src of sources.filter((s) => s !== '-')) {
      // FileInputStream's FileNotFoundException: "<path> (<reason>)"
      const local = await statLocal(src).catch(() => undefined);
      if (!local) throw shellError(`${src} (No such file or directory)`);
      if (local.isDirectory()) throw shellError(`${src} (Is a directory)`);
      await pipeline(createReadStream(src), out, { end: false });
    }
  } catch (e) {
    failure ??= e;
  }
  if (!out.destroyed) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  if (failure !== undefined) throw failure;
}

/**
 * Cp: each source's matches to DST within HDFS, a directory with everything under it; a directory
 * into itself is refused (CommandWithDestination.processPathArgument).
 */
async function cp(fs: HdfsClient, operands: readonly string[], options: CopyOptions, each: Each, expand: Expand): Promise<void> {
  const dst = await expandDestination(fs, operands[operands.length - 1]!);
  const sources = await expand(operands.slice(0, -1));
  await checkRemoteDestination(fs, dst, sources.length, options.overwrite);
  for (const src of sources) {
    await each(src.shown, async () => {
      const status = src.status ?? (await fs.stat(src.path));
      const target = targetOf(dst, basename(status.path));
      if (status.type === 'directory') {
        if (target.path === status.path) throw new HsecError('FILE_IO', `\`${src.shown}' to \`${target.shown}': are identical`, { path: src.path, messageOnly: true });
        if (target.path.startsWith(status.path === '/' ? '/' : `${status.path}/`)) throw new HsecError('FILE_IO', `\`${src.shown}' to \`${target.shown}': is a subdirectory of itself`, { path: src.path, messageOnly: true });
      }
      return copyIntoHdfs(fs, 'cp', hdfsSource(fs, status, src.shown), target, options, each);
    });
  }
}

/**
 * -f: replace a file already at the target; -d: write the target itself, not TARGET._COPYING_
 * renamed at the end; move (-moveFromLocal): remove each local source once copied.
 */
interface CopyOptions {
  readonly overwrite: boolean;
  readonly direct: boolean;
  readonly move?: boolean;
  /** -p: the attributes to carry over (CommandWithDestination.preserveAttributes). */
  readonly preserve?: Preserve;
}

/** What a copy into HDFS reads: a local file tree (-put) or an HDFS one (-cp). */
interface CopySource {
  readonly shown: string;
  readonly size: number | undefined;
  open(): NodeJS.ReadableStream;
  /** A directory's entries, by name (undefined for a file); each is loaded when its turn comes. */
  readonly entries?: () => Promise<Array<{ readonly name: string; readonly shown: string; load(): Promise<CopySource> }>>;
  /** What -p carries over. */
  attributes(): Promise<Attributes>;
}

/** A local path (symbolic links followed, as LocalFileSystem's statuses are). */
async function localSource(path: string): Promise<CopySource> {
  const local = await statLocal(path).catch((e: unknown) => {
    throw localError(e, path);
  });
  const source: CopySource = { shown: path, size: local.size, open: () => createReadStream(path), attributes: () => localAttributes(path, local) };
  if (!local.isDirectory()) return source;
  return {
    ...source,
    entries: async () => {
      const names = await readdir(path).catch((e: unknown) => {
        throw localError(e, path);
      });
      return names.sort().map((name) => ({ name, shown: localChild(path, name), load: () => localSource(localChild(path, name)) }));
    },
  };
}

/** An HDFS file or directory (entries in the NameNode's order). */
function hdfsSource(fs: HdfsClient, status: FileStatus, shown: string): CopySource {
  const source: CopySource = { shown, size: status.length, open: () => fs.createReadStream(status.path), attributes: async () => hdfsAttributes(status) };
  if (status.type !== 'directory') return source;
  return {
    ...source,
    entries: async () =>
      (await fs.list(status.path)).map((child) => {
        const name = basename(child.path);
        const childShown = shownChild(shown, name);
        return { name, shown: childShown, load: async () => hdfsSource(fs, child, childShown) };
      }),
  };
}

/**
 * `source` to TARGET (CommandWithDestination.recursePath for a directory): TARGET is made unless it
 * is a directory already (a file there: "Is not a directory"), then each entry; a failed entry is
 * reported and the others go on.
 */
async function copyIntoHdfs(fs: HdfsClient, verb: string, source: CopySource, target: Target, options: CopyOptions, each: Each): Promise<void> {
  const existing = (options.move || source.entries) && (await fs.exists(target.path)) ? await fs.stat(target.path) : undefined;
  // MoveFromLocal.processPath: unlike a copy, a move does not merge into a directory already there
  if (options.move && existing?.type === 'directory') throw pathError(target.shown, 'File exists');
  if (!source.entries) await copyFile(fs, verb, source, target, options);
  else {
    if (existing && existing.type !== 'directory') throw pathError(target.shown, 'Is not a directory');
    if (!existing) await fs.mkdir(target.path, { recursive: true });
    for (const entry of await source.entries()) {
      await each(entry.shown, async () => {
        // RawLocalFileSystem.listStatus leaves out an entry gone by the time it is looked at (a dangling link too)
        const loaded = await entry.load().catch((e: unknown) => {
          if (e instanceof HsecError && e.code === 'FILE_NOT_FOUND') return undefined;
          throw e;
        });
        if (loaded) await copyIntoHdfs(fs, verb, loaded, childTarget(target, entry.name), options, each);
      });
    }
  }
  // a file once copied, a directory once its entries are (copyFileToTarget, recursePath)
  if (options.preserve) await preserveInHdfs(fs, await source.attributes(), target.path, options.preserve);
  if (options.move) await removeMoved(source.shown);
}

/**
 * MoveFromLocal.postProcessPath: the local source, once copied (a directory after its entries, so
 * one an entry of which failed stays: "Directory DIR is not empty", as RawLocalFileSystem.delete says).
 */
async function removeMoved(path: string): Promise<void> {
  const local = await statLocal(path).catch(() => undefined);
  if (local?.isDirectory()) {
    if ((await readdir(path).catch(() => [])).length > 0) throw new HsecError('FILE_IO', `Directory ${resolvePath(path)} is not empty`, { path, messageOnly: true });
    await rmdirLocal(path).catch((e: unknown) => {
      throw removeFailed(path, e);
    });
    return;
  }
  await unlink(path).catch((e: unknown) => {
    throw removeFailed(path, e);
  });
}

/** PathIOException with the operation "remove": Hadoop's File.delete gives no reason. */
function removeFailed(path: string, cause: unknown): HsecError {
  return new HsecError('FILE_IO', `remove \`${path}': Input/output error`, { path, messageOnly: true }, { cause });
}

/** One file's copy (CommandWithDestination.copyStreamToTarget): to TARGET._COPYING_, renamed when complete (with -d, to TARGET). */
async function copyFile(fs: HdfsClient, verb: string, source: Pick<CopySource, 'shown' | 'size' | 'open'>, target: Target, options: CopyOptions): Promise<void> {
  // PathExistsException names the target as the user wrote the destination
  if (!options.overwrite && (await fs.exists(target.path))) throw new HsecError('FILE_IO', 'File exists', { path: target.path, shellPath: target.shown });
  const written = options.direct ? target.path : `${target.path}._COPYING_`;
  try {
    await pipeline(source.open(), progressMeter(`${verb} ${source.shown}`, source.size), fs.createWriteStream(written, { overwrite: true }));
  } catch (e) {
    await fs.delete(written).catch(() => false);
    throw localError(e, source.shown);
  }
  if (options.direct) return;
  if (options.overwrite) await fs.delete(target.path).catch(() => false);
  if (!(await fs.rename(written, target.path))) throw new HsecError('FILE_IO', `could not rename ${written} to ${target.path}`, { path: target.path });
}

/**
 * CopyToLocal: each source's matches to LOCAL (a directory: LOCAL/name; several sources need one),
 * through LOCAL._COPYING_; an HDFS directory with everything under it (Get sets recursive).
 */
async function get(fs: HdfsClient, operands: readonly string[], options: GetOptions, each: Each, expand: Expand): Promise<void> {
  const { overwrite } = options;
  const dst = operands[operands.length - 1]!;
  const sources = await expand(operands.slice(0, -1));
  const local = await statLocal(dst).catch(() => undefined);
  const dstIsDir = local?.isDirectory() ?? false;
  let usable = false;
  await each(dst, async () => {
    await checkDestination(
      { shown: dst, exists: local !== undefined, isDirectory: dstIsDir, parentExists: async () => (await statLocal(dirname(dst)).catch(() => undefined)) !== undefined },
      sources.length,
      overwrite,
    );
    usable = true;
  });
  if (!usable) return;
  for (const src of sources) {
    await each(src.shown, async () => {
      const status = src.status ?? (await fs.stat(src.path));
      const target = dstIsDir ? localChild(dst, basename(status.path)) : dst;
      if (status.type === 'directory') return getDirectory(fs, src.shown, status, target, options, each);
      return getFile(fs, src.shown, status, target, options);
    });
  }
}

/** -f: replace a local file already there; -p: carry the attributes over. */
interface GetOptions {
  readonly overwrite: boolean;
  readonly preserve?: Preserve;
}

/** One file's copy to TARGET._COPYING_, renamed when complete. */
async function getFile(fs: HdfsClient, shown: string, status: FileStatus, target: string, options: GetOptions): Promise<void> {
  if (!options.overwrite && (await statLocal(target).catch(() => undefined))) throw new HsecError('FILE_IO', 'File exists', { path: target, shellPath: target });
  const copying = `${target}._COPYING_`;
  try {
    await pipeline(fs.createReadStream(status.path), progressMeter(`get ${shown}`, status.length), createWriteStream(copying, { mode: 0o644 }));
    await renameLocal(copying, target);
  } catch (e) {
    await unlink(copying).catch(() => undefined);
    throw localError(e, target);
  }
  if (options.preserve) await preserveLocal(hdfsAttributes(status), target, options.preserve);
}

/** An HDFS directory into the local TARGET, as copyIntoHdfs the other way (entries in the NameNode's order). */
async function getDirectory(fs: HdfsClient, shown: string, status: FileStatus, target: string, options: GetOptions, each: Each): Promise<void> {
  const existing = await statLocal(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw pathError(target, 'Is not a directory');
  if (!existing) {
    await mkdirLocal(target, { recursive: true, mode: 0o755 }).catch((e: unknown) => {
      throw localError(e, target);
    });
  }
  for (const child of await fs.list(status.path)) {
    const name = basename(child.path);
    const childShown = shownChild(shown, name);
    await each(childShown, async () => {
      if (child.type === 'directory') return getDirectory(fs, childShown, child, localChild(target, name), options, each);
      return getFile(fs, childShown, child, localChild(target, name), options);
    });
  }
  if (options.preserve) await preserveLocal(hdfsAttributes(status), target, options.preserve);
}

/** A local file failure as a typed FileError naming the path (an HsecError passes through). */
function localError(e: unknown, path: string): HsecError {
  return e instanceof HsecError ? e : fileError('copy', path, e);
}
