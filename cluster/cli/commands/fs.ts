/**
 * `hsec fs`, after Hadoop 3.4.1's `hdfs dfs` (FsShell), with its single-dash verbs, flags and
 * messages: this file parses a command line and runs each verb over its operands; the verbs live
 * by family, as FsShell's command classes do:
 *
 *   ../fs-ls.ts           -ls [-CdhqRtSrue], -lsr
 *   ../fs-find.ts         -find <path> ... -name | -iname | -print | -print0 | -a | ( )
 *   here                  -mkdir [-p], -cat [-ignoreCrc], -text [-ignoreCrc] (../fs-text.ts), -head,
 *                         -tail [-f] [-s MS], -getmerge (../fs-getmerge.ts), -moveToLocal (not
 *                         implemented, as in Hadoop)
 *   ../fs-copy.ts         -put [-l] (-copyFromLocal, -moveFromLocal), -get [-crc] [-ignoreCrc]
 *                         (-copyToLocal), -cp, -mv, -appendToFile: directories whole, through
 *                         `DST._COPYING_` (-d: DST itself), -p (../fs-preserve.ts), a progress line
 *                         on a terminal; -t / -q (CopyCommandWithMultiThread) are taken and checked,
 *                         and the copy stays one file at a time; SIGINT / SIGTERM stops the copy,
 *                         deletes its `._COPYING_` file and starts nothing more (../delete-on-exit.ts)
 *   ../fs-rm.ts           -rm [-f] [-r|-R] [-skipTrash] [-safely] (the trash), -rmr, -rmdir, -expunge
 *   ../fs-permissions.ts  -chmod, -chown, -chgrp [-R]
 *   ../fs-acl.ts          -getfacl [-R], -setfacl [-R] {-b|-k|-m|-x|--set}
 *   ../fs-xattr.ts        -getfattr [-R] {-n name|-d} [-e en], -setfattr {-n name [-v value]|-x name}
 *   ../fs-queries.ts      -df, -du [-x], -dus, -setrep, -test, -touch, -touchz, -stat [-R]
 *   ../fs-count.ts        -count [-q] [-h] [-v] [-t [TYPES]] [-u] [-x] [-e] [-s]
 *   ../fs-checksum.ts     -checksum [-v]
 *   ../fs-truncate.ts     -truncate [-w] <length> <path> ...
 *   ../fs-concat.ts       -concat <target path> <src path> <src path> ...
 *   ../fs-snapshot.ts     -createSnapshot, -deleteSnapshot, -renameSnapshot
 *   ../fs-help.ts         -usage [cmd ...], -help [cmd ...], the usage list of `hsec fs` alone and
 *                         of an unknown command (exit 255, FsShell's -1)
 *
 * A deprecated command (-lsr, -dus, -rmr) first says `name: DEPRECATED: Please use '...' instead.`
 * on stderr, as Command.run does. Paths are HDFS paths: absolute, relative to the home directory,
 * or `hdfs://host:port/path` of the NameNode in fs.defaultFS (or -fs), and every HDFS path argument
 * (the -mv and -put destination too) is a glob as in FsShell: `*`, `?`, `[a-z]`, `[^a]`, `{a,b}`,
 * `\` escapes (../fs-operands.ts, ../../client/globber.ts); each match is an operand. A failed
 * path is reported as `-verb: `path': reason` while the others go on (exit 1 at the end).
 */
import type { Command } from 'commander';
import { HsecError, RemoteError } from '../../../lib/errors/index.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { UsageError } from '../usage.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { expandOperand, pathError, pathNotFound, type Operand } from '../fs-operands.ts';
import { ATTRIBUTE_USAGES, changeAttributes, parseAttributeCommand, type AttributeVerb } from '../fs-permissions.ts';
import { rm, rmdir, RM_USAGES, runExpunge, takeRmOptions } from '../fs-rm.ts';
import { appendToFile, cp, get, mv, put } from '../fs-copy.ts';
import { DeleteOnExit } from '../delete-on-exit.ts';
import { copyInto } from '../stream-copy.ts';
import { checkTestArgs, df, du, popOptionWithArgument, QUERY_FLAGS, QUERY_USAGES, setrep, stat, test, touch, touchz } from '../fs-queries.ts';
import { count as countPaths, countOptions, popCountTypes } from '../fs-count.ts';
import { allCommandsInfo, commandInfo, DEPRECATED, displayError, runHelp, SHELL_FAILURE } from '../fs-help.ts';
import { flags, popWordOptions, THREAD_OPTIONS } from '../fs-options.ts';
import { CHECKSUM_FLAGS, CHECKSUM_USAGE, checksum } from '../fs-checksum.ts';
import { concat, CONCAT_USAGE } from '../fs-concat.ts';
import { parseTruncateLength, truncate, TRUNCATE_FLAGS, TRUNCATE_USAGE } from '../fs-truncate.ts';
import { getmerge, GETMERGE_USAGE, parseMerge } from '../fs-getmerge.ts';
import { popPreserveOption, PRESERVE_ALL } from '../fs-preserve.ts';
import { text, TEXT_USAGE } from '../fs-text.ts';
import { ls, LS_FLAGS, LS_USAGE, LSR_USAGE } from '../fs-ls.ts';
import { find, FIND_USAGE, parseFind } from '../fs-find.ts';
import { ACL_USAGES, parseAclCommand, runAclCommand, ShellArgumentError, type AclCommand } from '../fs-acl.ts';
import { parseXAttrCommand, runXAttrCommand, XATTR_USAGES, type XAttrShellCommand } from '../fs-xattr.ts';
import { isSnapshotVerb, parseSnapshotCommand, requireDirectory, runSnapshotCommand, SNAPSHOT_USAGES, type SnapshotCommand } from '../fs-snapshot.ts';
import type { CliIo } from './fetchdt.ts';

/** Each command's usage line (Command.getUsage after `hsec fs `), as Hadoop 3.4's command classes give them. */
const USAGES: Readonly<Record<string, string>> = {
  '-ls': LS_USAGE,
  '-lsr': LSR_USAGE,
  '-find': FIND_USAGE,
  '-mkdir': 'hsec fs -mkdir [-p] <path> ...',
  '-rm': RM_USAGES['-rm'],
  '-rmr': 'hsec fs -rmr',
  '-rmdir': 'hsec fs -rmdir [--ignore-fail-on-non-empty] <dir> ...',
  '-mv': 'hsec fs -mv <src> ... <dst>',
  '-cp': `hsec fs -cp [-f] [-p | -p[topax]] [-d] ${THREAD_OPTIONS} <src> ... <dst>`,
  '-put': `hsec fs -put [-f] [-p] [-l] [-d] ${THREAD_OPTIONS} <localsrc> ... <dst>`,
  '-get': `hsec fs -get [-f] [-p] [-crc] [-ignoreCrc] ${THREAD_OPTIONS} <src> ... <localdst>`,
  '-copyFromLocal': `hsec fs -copyFromLocal [-f] [-p] [-l] [-d] ${THREAD_OPTIONS} <localsrc> ... <dst>`,
  '-copyToLocal': `hsec fs -copyToLocal [-f] [-p] [-crc] [-ignoreCrc] ${THREAD_OPTIONS} <src> ... <localdst>`,
  '-getmerge': GETMERGE_USAGE,
  '-moveFromLocal': 'hsec fs -moveFromLocal [-f] [-p] [-l] [-d] <localsrc> ... <dst>',
  '-moveToLocal': 'hsec fs -moveToLocal <src> <localdst>',
  '-appendToFile': 'hsec fs -appendToFile [-n] <localsrc> ... <dst>',
  '-cat': 'hsec fs -cat [-ignoreCrc] <src> ...',
  '-text': TEXT_USAGE,
  '-head': 'hsec fs -head <file>',
  '-tail': 'hsec fs -tail [-f] [-s <sleep interval>] <file>',
  '-expunge': RM_USAGES['-expunge'],
  ...ATTRIBUTE_USAGES,
  ...ACL_USAGES,
  ...XATTR_USAGES,
  ...QUERY_USAGES,
  '-checksum': CHECKSUM_USAGE,
  '-truncate': TRUNCATE_USAGE,
  '-concat': CONCAT_USAGE,
  ...SNAPSHOT_USAGES,
  '-help': 'hsec fs -help [cmd ...]',
  '-usage': 'hsec fs -usage [cmd ...]',
};

/** The full usage list (FsShell.printUsage): `hsec fs` alone and an unknown command print it. */
export function fsUsage(): string {
  return allCommandsInfo(USAGES, false);
}

export function register(program: Command): void {
  program
    .command('fs')
    .description('HDFS file commands like hdfs dfs: -ls, -find, -mkdir, -rm, -rmdir, -mv, -cp, -put, -get (-copyFromLocal, -copyToLocal), -moveFromLocal, -getmerge, -appendToFile, -cat, -text, -head, -tail, -chmod, -chown, -chgrp, -getfacl, -setfacl, -getfattr, -setfattr, -df, -du, -count, -setrep, -test, -touch, -touchz, -stat, -expunge, -checksum, -truncate, -concat, -createSnapshot, -deleteSnapshot, -renameSnapshot, -usage, -help')
    .usage('-ls|-find|-mkdir|-rm|-rmdir|-mv|-cp|-put|-get|-moveFromLocal|-getmerge|-appendToFile|-cat|-text|-head|-tail|-chmod|-chown|-chgrp|-getfacl|-setfacl|-getfattr|-setfattr|-df|-du|-count|-setrep|-test|-touch|-touchz|-stat|-expunge|-checksum|-truncate|-concat|-createSnapshot|-deleteSnapshot|-renameSnapshot|-usage|-help [flags] PATH...')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      const deleteOnExit = new DeleteOnExit();
      const stopHandling = deleteOnExit.onSignals();
      try {
        process.exitCode = await runFs(cliConfigSource(command), args, { deleteOnExit });
      } catch (e) {
        // after SIGINT / SIGTERM the copy it stopped is not the outcome: the handler exits 128 + signal
        if (!deleteOnExit.interrupted) throw e;
      } finally {
        // keep the handlers (a second signal exits at once) until the clean-ups are over
        await deleteOnExit.settled;
        stopHandling();
      }
    });
}

interface FsIo extends CliIo {
  /** Raw output (file contents for -cat); default stdout. */
  data?: NodeJS.WritableStream;
  /** Where -put - reads; default stdin. */
  stdin?: NodeJS.ReadableStream;
  err?: (s: string) => void;
  /** Where the copies register their TARGET._COPYING_ files (the CLI deletes them on SIGINT / SIGTERM). */
  deleteOnExit?: DeleteOnExit;
}

/** The single-letter options each verb takes (its CommandFormat's); word options are taken off before. */
const VERB_FLAGS: Readonly<Record<string, string>> = {
  ...QUERY_FLAGS, '-checksum': CHECKSUM_FLAGS, '-truncate': TRUNCATE_FLAGS, '-ls': LS_FLAGS, '-lsr': LS_FLAGS, '-mkdir': 'p', '-rm': 'rRf', '-put': 'fpld', '-cp': 'fd', '-get': 'fp', '-appendToFile': 'n',
};

/** The fs-queries commands that run over their operands the same way. */
const QUERIES = { '-df': df, '-du': du, '-setrep': setrep, '-touch': touch, '-touchz': touchz, '-stat': stat, '-checksum': checksum } as const;

/**
 * FsShell's CopyFromLocal and CopyToLocal: Put and Get under another name (their messages say it);
 * MoveFromLocal: a Put that removes what it copied; the deprecated Dus and Rmr: Du with -s and Rm
 * with -r (Lsr is Ls with -R, below).
 */
const ALIASES: Readonly<Record<string, string>> = { '-copyFromLocal': '-put', '-copyToLocal': '-get', '-moveFromLocal': '-put', '-dus': '-du', '-rmr': '-rm' };
/** The option a deprecated alias adds (Dus.processOptions, Rmr.processOptions). */
const ALIAS_FLAGS: Readonly<Record<string, string>> = { '-dus': 's', '-rmr': 'r' };

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` / `-fs` options). */
export async function runFs(config: CliConfigArg, argv: readonly string[], io: FsIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [named, ...rest] = argv;
  if (named === undefined) {
    err(fsUsage()); // FsShell.run without a command: the usage list on stderr, exit -1
    return SHELL_FAILURE;
  }
  const verb = ALIASES[named] ?? named;
  const usage = USAGES[named];
  if (!usage) {
    err(`${displayError(USAGES, named, 'Unknown command')}${fsUsage()}`); // UnknownCommandException in FsShell.run
    return SHELL_FAILURE;
  }
  if (verb === '-help' || verb === '-usage') return runHelp(USAGES, verb, rest, out, err);
  const replacement = DEPRECATED[named];
  if (replacement) err(`${named.slice(1)}: DEPRECATED: Please use '${replacement}' instead.\n`); // Command.run for a deprecated command
  if (verb === '-moveToLocal') {
    // MoveCommands.MoveToLocal.processOptions, whatever the arguments
    err("moveToLocal: Option '-moveToLocal' is not implemented yet.\n");
    return 1;
  }
  if (isAttributeVerb(verb)) return runAttributeCommand(config, verb, rest, io);
  let aclCommand: AclCommand | undefined;
  if (verb === '-getfacl' || verb === '-setfacl') {
    try {
      aclCommand = parseAclCommand(verb, rest);
    } catch (e) {
      if (!(e instanceof ShellArgumentError)) throw e;
      // FsShell.run's IllegalArgumentException: the message, the usage list and this command's usage; exit -1
      err(`${displayError(USAGES, named, e.message)}${allCommandsInfo(USAGES, false)}${commandInfo(USAGES, named.slice(1), false)}`);
      return SHELL_FAILURE;
    }
  }
  let snapshotCommand: SnapshotCommand | undefined;
  if (isSnapshotVerb(verb)) {
    try {
      snapshotCommand = parseSnapshotCommand(verb, rest);
    } catch (e) {
      if (!(e instanceof ShellArgumentError)) throw e;
      err(`${displayError(USAGES, named, e.message)}${allCommandsInfo(USAGES, false)}${commandInfo(USAGES, named.slice(1), false)}`);
      return SHELL_FAILURE;
    }
  }
  let xattrCommand: XAttrShellCommand | undefined;
  if (verb === '-getfattr' || verb === '-setfattr') {
    try {
      xattrCommand = parseXAttrCommand(verb, rest);
    } catch (e) {
      if (e instanceof ShellArgumentError) {
        err(`${displayError(USAGES, named, e.message)}${allCommandsInfo(USAGES, false)}${commandInfo(USAGES, named.slice(1), false)}`);
        return SHELL_FAILURE;
      }
      if (!(e instanceof HsecError)) throw e;
      err(`${named.slice(1)}: ${e.message}\n`); // XAttrCodec's IOException in processOptions: Command.run's displayError, exit 1
      return 1;
    }
  }
  if (verb === '-head' || verb === '-tail') return runHeadTail(config, verb, rest, io, usage);
  if (verb === '-expunge') return runExpunge(config, rest, io, usage);
  // Rmdir's one option is a long one (CommandFormat "-ignore-fail-on-non-empty"), and so are Merge's and Rm's -skipTrash and -safely
  const ignoreNonEmpty = verb === '-rmdir' && rest[0] === '--ignore-fail-on-non-empty';
  const { skipTrash, safely, rest: args } = verb === '-rm' ? takeRmOptions(rest) : { skipTrash: false, safely: false, rest };
  const merge = verb === '-getmerge' ? parseMerge(args) : undefined;
  const timestamp = verb === '-touch' ? popOptionWithArgument(verb, '-t', args) : undefined;
  const cpPreserve = verb === '-cp' ? popPreserveOption(args, usage) : undefined;
  const countTypes = verb === '-count' ? popCountTypes(args) : undefined;
  const words = popWordOptions(named, args, usage);
  let findSpec: ReturnType<typeof parseFind> | undefined;
  if (verb === '-find') {
    try {
      findSpec = parseFind(args, out);
    } catch (e) {
      if (!(e instanceof HsecError) || e instanceof UsageError) throw e;
      err(`find: ${e.message}\n`); // Find.processOptions' IOException ("Unexpected argument: ...")
      return 1;
    }
  }
  let parsed;
  try {
    parsed = flags(ignoreNonEmpty ? args.slice(1) : merge || findSpec || aclCommand || xattrCommand || snapshotCommand ? [] : args, VERB_FLAGS[verb] ?? '');
  } catch (e) {
    throw new UsageError(`${named}: ${(e as Error).message}`, usage);
  }
  const { set } = parsed;
  const operands = aclCommand ? [aclCommand.path] : xattrCommand ? [xattrCommand.path] : snapshotCommand ? [snapshotCommand.dir] : parsed.operands;
  if (ALIAS_FLAGS[named]) set.add(ALIAS_FLAGS[named]);
  const count = verb === '-count' ? countOptions(set, countTypes, out) : undefined;
  if (verb === '-appendToFile' && operands.length < 2) {
    err('appendToFile: missing destination argument\n'); // AppendToFile.processOptions' IOException
    return 1;
  }
  const minOperands = verb === '-mv' || verb === '-cp' || verb === '-put' || verb === '-get' || verb === '-setrep' ? 2 : verb === '-ls' || verb === '-lsr' || verb === '-df' || verb === '-truncate' || verb === '-concat' || findSpec || merge ? 0 : 1;
  if (operands.length < minOperands) throw new UsageError(`${named}: ${operands.length === 0 ? 'Not enough arguments' : 'Not enough arguments: expected a destination'}`, usage);
  const truncateLength = verb === '-truncate' ? parseTruncateLength(operands, err) : undefined;
  const conf = loadCliConfiguration(config, env);
  const fs = await HdfsClient.connect({ conf, env });
  let failures = 0;
  /** Runs one path's work; a failure is printed as FsShell prints it and counted, and the others go on. */
  const each = async (path: string, fn: () => Promise<void>): Promise<void> => {
    io.deleteOnExit?.signal.throwIfAborted(); // after Ctrl-C no further path is started
    try {
      await fn();
    } catch (e) {
      if (io.deleteOnExit?.interrupted) throw e; // the signal's exit code is the outcome; no error line for what it stopped
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
      case '-lsr':
      case '-ls':
        if (verb === '-lsr') set.add('R'); // Lsr.processOptions
        await ls(fs, await expand(operands.length > 0 ? operands : ['.']), set, out, each);
        break;
      case '-getfacl':
      case '-setfacl':
        await runAclCommand(fs, aclCommand!, await expand(operands), out, each);
        break;
      case '-getfattr':
      case '-setfattr':
        await runXAttrCommand(fs, xattrCommand!, await expand(operands), out, each);
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
        await each(operands[operands.length - 1]!, () => put(fs, operands, { overwrite: set.has('f'), direct: set.has('d'), lazyPersist: set.has('l'), move: named === '-moveFromLocal', preserve: set.has('p') ? PRESERVE_ALL : undefined, deleteOnExit: io.deleteOnExit }, each, io));
        break;
      case '-cp':
        await each(operands[operands.length - 1]!, () => cp(fs, operands, { overwrite: set.has('f'), direct: set.has('d'), preserve: cpPreserve, deleteOnExit: io.deleteOnExit }, each, expand));
        break;
      case '-get':
        await get(fs, operands, { overwrite: set.has('f'), preserve: set.has('p') ? PRESERVE_ALL : undefined, writeChecksum: words.has('crc'), verifyChecksum: !words.has('ignoreCrc'), deleteOnExit: io.deleteOnExit }, each, expand);
        break;
      case '-getmerge':
        await getmerge(fs, merge!, each, expand);
        break;
      case '-find':
        await find(fs, await expand(findSpec!.paths), findSpec!.test, each);
        break;
      case '-text':
        for (const item of await expand(operands)) await each(item.shown, () => text(fs, item, io.data ?? process.stdout, !words.has('ignoreCrc')));
        break;
      case '-appendToFile':
        await each(operands[operands.length - 1]!, () => appendToFile(fs, operands, set.has('n'), io));
        break;
      case '-cat':
        for (const item of await expand(operands)) await each(item.shown, () => copyInto(fs.createReadStream(item.path, {}, { verifyChecksum: !words.has('ignoreCrc') }), io.data ?? process.stdout));
        break;
      case '-count':
        await countPaths({ fs, operands, flags: set, each, out, expand }, count!);
        break;
      case '-df':
      case '-du':
      case '-setrep':
      case '-touch':
      case '-touchz':
      case '-stat':
      case '-checksum':
        await QUERIES[verb]({ fs, operands, flags: set, each, out, expand, timestamp });
        break;
      case '-concat': {
        const items = await expand(operands);
        await each(operands[0] ?? '', () => concat(fs, items));
        break;
      }
      case '-createSnapshot':
      case '-deleteSnapshot':
      case '-renameSnapshot': {
        // SnapshotCommands.processArguments: any path error stops the command before the call
        const before = failures;
        const items = await expand(operands);
        for (const item of items) await each(item.shown, () => requireDirectory(fs, item));
        if (failures !== before) break;
        if (verb === '-renameSnapshot' && items.length !== 1) {
          // Preconditions.checkArgument(items.size() == 1): an IllegalArgumentException without a message
          err(`${displayError(USAGES, named, 'Null exception message')}${allCommandsInfo(USAGES, false)}${commandInfo(USAGES, named.slice(1), false)}`);
          return SHELL_FAILURE;
        }
        await each(items[0]!.shown, () => runSnapshotCommand(fs, snapshotCommand!, items[0]!, out));
        break;
      }
      case '-truncate':
        await truncate({ fs, newLength: truncateLength!, paths: operands.slice(1), flags: set, each, out, expand });
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
    await io.deleteOnExit?.settled; // the clean-ups after a signal delete through this client
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
      if (status.length > 0) await copyInto(fs.createReadStream(path, { end: Math.min(status.length, HEAD_TAIL_BYTES) - 1 }), data);
      return 0;
    }
    // Tail.dumpFromOffset: from 1 KiB before the end, then from where the last read stopped
    let offset = -HEAD_TAIL_BYTES;
    for (;;) {
      const length = (await fs.stat(path)).length;
      if (offset > length) offset = length;
      else {
        if (offset < 0) offset = Math.max(length + offset, 0);
        if (length > offset) await copyInto(fs.createReadStream(path, { start: offset, end: length - 1 }), data);
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
    await io.deleteOnExit?.settled; // the clean-ups after a signal delete through this client
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


