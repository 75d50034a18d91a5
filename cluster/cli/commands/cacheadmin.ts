/**
 * `hsec cacheadmin`, after Hadoop 3.4.1's `hdfs cacheadmin` (hadoop-hdfs tools/CacheAdmin.java with
 * AdminHelper and TableListing): `-addDirective`, `-modifyDirective`, `-listDirectives [-stats]`,
 * `-removeDirective`, `-removeDirectives`, `-addPool`, `-modifyPool`, `-removePool`, `-listPools
 * [-stats]` and `-help [command-name]`, against the NameNode of fs.defaultFS (or `-fs`) as the login
 * user; paths relative to /user/<short name>. Output, messages and exit codes are CacheAdmin's: the
 * success lines and listings on stdout and 0; a failed call prints AdminHelper.prettifyException on
 * stderr and exits 2 (DFSClient unwraps the NameNode's IOExceptions, so InvalidRequestException,
 * AccessControlException, SafeModeException keep their names; the listings' iterators do not, so a
 * refused listing is a RemoteException); a missing or extra argument prints its message (and for
 * some commands the usage) and exits 1; an IllegalArgumentException (an option without its value,
 * an empty path, a number Java does not parse: NumberFormatException) exits 255 (-1). Expiries print
 * as the NameNode's absolute time in this machine's zone ("never" past Long.MAX_VALUE / 8 ms),
 * maximum TTLs as durations. "bin/hdfs" in AdminHelper's usage line reads "hsec".
 */
import type { Command } from 'commander';
import type { HdfsClient } from '../../client/hdfs-client.ts';
import { permissionString } from '../../namenode/namespace/permission-checker.ts';
import { durationToString, expirationString, LIMIT_UNLIMITED, MAX_RELATIVE_EXPIRY_MS } from '../../protocol/cache-format.ts';
import { CACHE_FLAG_FORCE, type CacheDirectiveInfoProto, type CachePoolInfoProto } from '../../protocol/client-protocol.ts';
import { wrap } from '../fs-help-format.ts';
import { adminUsage, JavaIllegalArgument, optionListing, prettifyException, runAdminTool, type AdminCommand, type AdminContext } from '../admin-helper.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { tableListing, type TableField } from '../table-listing.ts';
import { IllegalArgument, popFirstNonOption, popOption, popOptionWithArgument } from './dfsadmin.ts';
import type { CliIo } from './fetchdt.ts';

/** AdminHelper.MAX_LINE_WIDTH. */
const MAX_LINE_WIDTH = 80;

/** The NameNode's IOExceptions DFSClient's cache calls rebuild (RemoteException.unwrapRemoteException()). */
const UNWRAPPED = [
  'org.apache.hadoop.fs.InvalidRequestException', 'org.apache.hadoop.security.AccessControlException', 'org.apache.hadoop.hdfs.server.namenode.SafeModeException',
  'java.io.IOException', 'java.io.FileNotFoundException', 'org.apache.hadoop.ipc.StandbyException', 'org.apache.hadoop.ipc.RetriableException',
];


const forInputString = (s: string, radix: number) => new JavaIllegalArgument('NumberFormatException', `For input string: "${s}"${radix === 10 ? '' : ` under radix ${radix}`}`);

/** Long.parseLong / Integer.parseInt (JDK 9+ messages): an optional sign and digits of `radix` within `bits`. */
function parseJavaInteger(s: string, radix: 8 | 10, bits: 32 | 64): bigint {
  const digits = radix === 8 ? /^[+-]?[0-7]+$/ : /^[+-]?[0-9]+$/;
  if (!digits.test(s)) throw forInputString(s, radix);
  const negative = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const magnitude = radix === 8 ? BigInt(`0o${body}`) : BigInt(body);
  const v = negative ? -magnitude : magnitude;
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (v > max || v < -max - 1n) throw forInputString(s, radix);
  return v;
}

const parseLong = (s: string): bigint => parseJavaInteger(s, 10, 64);

/** Short.parseShort(s, radix). */
function parseShort(s: string, radix: 8 | 10 = 10): number {
  const v = Number(parseJavaInteger(s, radix, 32));
  if (v < -32768 || v > 32767) throw new JavaIllegalArgument('NumberFormatException', `Value out of range. Value:"${s}" Radix:${radix}`);
  return v;
}

/** `new Path(s)`: Path.checkPathArg refuses an empty string. */
function checkPath(s: string): string {
  if (s === '') throw new JavaIllegalArgument('IllegalArgumentException', 'Can not create a Path from an empty string');
  return s;
}

class ParseError extends Error {}

/** DFSUtil.parseRelativeTime: `<n>[smhd]` in ms (Java long arithmetic); an IOException's message otherwise. */
export function parseRelativeTime(relTime: string): bigint {
  if (relTime.length < 2) throw new ParseError(`Unable to parse relative time value of ${relTime}: too short`);
  const ttlString = relTime.slice(0, -1);
  let ttl: bigint;
  try {
    ttl = parseLong(ttlString);
  } catch {
    throw new ParseError(`Unable to parse relative time value of ${relTime}: ${ttlString} is not a number`);
  }
  const unit = relTime.charAt(relTime.length - 1);
  const factor = { s: 1n, m: 60n, h: 3600n, d: 86400n }[unit];
  if (factor === undefined) throw new ParseError(`Unable to parse relative time value of ${relTime}: unknown time unit ${unit}`);
  return BigInt.asIntN(64, BigInt.asIntN(64, ttl * factor) * 1000n);
}

/** CacheAdmin.parseExpirationString: "never" (any case) or a relative time; Expiration.newRelative's check. */
function parseExpiration(ttl: string | undefined): { millis: bigint; isRelative: true } | undefined {
  if (ttl === undefined) return undefined;
  const millis = ttl.toLowerCase() === 'never' ? MAX_RELATIVE_EXPIRY_MS : parseRelativeTime(ttl);
  if (millis > MAX_RELATIVE_EXPIRY_MS) throw new JavaIllegalArgument('IllegalArgumentException', 'Expiration time is too far in the future!');
  return { millis, isRelative: true };
}

/** AdminHelper.parseTtlString. */
function parseTtl(s: string | undefined): bigint | undefined {
  if (s === undefined) return undefined;
  return s.toLowerCase() === 'never' ? MAX_RELATIVE_EXPIRY_MS : parseRelativeTime(s);
}

/** AdminHelper.parseLimitString. */
function parseLimit(s: string | undefined): bigint | undefined {
  if (s === undefined) return undefined;
  return s.toLowerCase() === 'unlimited' ? LIMIT_UNLIMITED : parseLong(s);
}

/** Runs a NameNode call the way each command's try block does: the pretty exception and 2 on failure. */
async function call(ctx: AdminContext, fn: (fs: HdfsClient) => Promise<void>, unwrapped: readonly string[] = UNWRAPPED): Promise<number> {
  try {
    await fn(await ctx.fs());
    return 0;
  } catch (e) {
    if (e instanceof IllegalArgument) throw e;
    ctx.err(`${prettifyException(e, unwrapped)}\n`);
    return 2;
  }
}

const TTL_HELP = 'How long the directive is valid. Can be specified in minutes, hours, and days, e.g. 30m, 4h, 2d. Valid units are [smhd]. "never" indicates a directive that never expires.';

const ADD_DIRECTIVE_USAGE = '[-addDirective -path <path> -pool <pool-name> [-force] [-replication <replication>] [-ttl <time-to-live>]]\n';
const addDirective: AdminCommand = {
  name: '-addDirective',
  shortUsage: ADD_DIRECTIVE_USAGE,
  longUsage: `${ADD_DIRECTIVE_USAGE}\nAdd a new cache directive.\n\n${optionListing([
    ['<path>', 'A path to cache. The path can be a directory or a file.'],
    ['<pool-name>', 'The pool to which the directive will be added. You must have write permission on the cache pool in order to add new directives.'],
    ['-force', 'Skips checking of cache pool resource limits.'],
    ['<replication>', 'The cache replication factor to use. Defaults to 1.'],
    ['<time-to-live>', `${TTL_HELP} If unspecified, the directive never expires.`],
  ])}`,
  run: async (ctx, args) => {
    const path = popOptionWithArgument(args, '-path');
    if (path === undefined) {
      ctx.err('You must specify a path with -path.\n');
      return 1;
    }
    const info: CacheDirectiveInfoProto = { path: checkPath(path) };
    const pool = popOptionWithArgument(args, '-pool');
    if (pool === undefined) {
      ctx.err('You must specify a pool name with -pool.\n');
      return 1;
    }
    info.pool = pool;
    const force = popOption(args, '-force');
    const replication = popOptionWithArgument(args, '-replication');
    if (replication !== undefined) info.replication = parseShort(replication);
    const ttl = popOptionWithArgument(args, '-ttl');
    try {
      const expiration = parseExpiration(ttl);
      if (expiration) info.expiration = expiration;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      ctx.err(`Error while parsing ttl value: ${e.message}\n`);
      return 1;
    }
    if (args.length > 0) {
      ctx.err(`Can't understand argument: ${args[0]}\n`);
      return 1;
    }
    return call(ctx, async (fs) => {
      const id = await fs.addCacheDirective(info, force ? CACHE_FLAG_FORCE : 0);
      ctx.out(`Added cache directive ${id}\n`);
    });
  },
};

const MODIFY_DIRECTIVE_USAGE = '[-modifyDirective -id <id> [-path <path>] [-force] [-replication <replication>] [-pool <pool-name>] [-ttl <time-to-live>]]\n';
const modifyDirective: AdminCommand = {
  name: '-modifyDirective',
  shortUsage: MODIFY_DIRECTIVE_USAGE,
  longUsage: `${MODIFY_DIRECTIVE_USAGE}\nModify a cache directive.\n\n${optionListing([
    ['<id>', 'The ID of the directive to modify (required)'],
    ['<path>', 'A path to cache. The path can be a directory or a file. (optional)'],
    ['-force', 'Skips checking of cache pool resource limits.'],
    ['<replication>', 'The cache replication factor to use. (optional)'],
    ['<pool-name>', 'The pool to which the directive will be added. You must have write permission on the cache pool in order to move a directive into it. (optional)'],
    ['<time-to-live>', TTL_HELP],
  ])}`,
  run: async (ctx, args) => {
    const idString = popOptionWithArgument(args, '-id');
    if (idString === undefined) {
      ctx.err('You must specify a directive ID with -id.\n');
      return 1;
    }
    const info: CacheDirectiveInfoProto = { id: parseLong(idString) };
    let modified = false;
    const path = popOptionWithArgument(args, '-path');
    if (path !== undefined) {
      info.path = checkPath(path);
      modified = true;
    }
    const force = popOption(args, '-force');
    const replication = popOptionWithArgument(args, '-replication');
    if (replication !== undefined) {
      info.replication = parseShort(replication);
      modified = true;
    }
    const pool = popOptionWithArgument(args, '-pool');
    if (pool !== undefined) {
      info.pool = pool;
      modified = true;
    }
    const ttl = popOptionWithArgument(args, '-ttl');
    try {
      const expiration = parseExpiration(ttl);
      if (expiration) {
        info.expiration = expiration;
        modified = true;
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      ctx.err(`Error while parsing ttl value: ${e.message}\n`);
      return 1;
    }
    if (args.length > 0) {
      ctx.err(`Can't understand argument: ${args[0]}\nUsage is ${MODIFY_DIRECTIVE_USAGE}\n`);
      return 1;
    }
    if (!modified) {
      ctx.err('No modifications were specified.\n');
      return 1;
    }
    return call(ctx, async (fs) => {
      await fs.modifyCacheDirective(info, force ? CACHE_FLAG_FORCE : 0);
      ctx.out(`Modified cache directive ${idString}\n`);
    });
  },
};

const LIST_DIRECTIVES_USAGE = '[-listDirectives [-stats] [-path <path>] [-pool <pool>] [-id <id>]]\n';
const DIRECTIVE_FIELDS: readonly TableField[] = [
  { title: 'ID', justification: 'RIGHT' }, { title: 'POOL', justification: 'LEFT' }, { title: 'REPL', justification: 'RIGHT' },
  { title: 'EXPIRY', justification: 'LEFT' }, { title: 'PATH', justification: 'LEFT' },
];
const DIRECTIVE_STATS_FIELDS: readonly TableField[] = ['BYTES_NEEDED', 'BYTES_CACHED', 'FILES_NEEDED', 'FILES_CACHED'].map((title) => ({ title, justification: 'RIGHT' as const }));

/** The EXPIRY column: "never" past MAX_RELATIVE_EXPIRY_MS / 2 ("effectively never, round for nice printing"), else Expiration.toString. */
export function expiryText(e: { millis: number | bigint; isRelative: boolean }): string {
  const millis = BigInt(e.millis);
  return millis > MAX_RELATIVE_EXPIRY_MS / 2n ? 'never' : expirationString({ millis, isRelative: e.isRelative });
}

const listDirectives: AdminCommand = {
  name: '-listDirectives',
  shortUsage: LIST_DIRECTIVES_USAGE,
  longUsage: `${LIST_DIRECTIVES_USAGE}\nList cache directives.\n\n${optionListing([
    ['-stats', 'List path-based cache directive statistics.'],
    ['<path>', 'List only cache directives with this path. Note that if there is a cache directive for <path> in a cache pool that we don\'t have read access for, it will not be listed.'],
    ['<pool>', 'List only path cache directives in that pool.'],
    ['<id>', 'List the cache directive with this id.'],
  ])}`,
  run: async (ctx, args) => {
    const filter: CacheDirectiveInfoProto = {};
    const path = popOptionWithArgument(args, '-path');
    if (path !== undefined) filter.path = checkPath(path);
    const pool = popOptionWithArgument(args, '-pool');
    if (pool !== undefined) filter.pool = pool;
    const stats = popOption(args, '-stats');
    const id = popOptionWithArgument(args, '-id');
    if (id !== undefined) filter.id = parseLong(id);
    if (args.length > 0) {
      ctx.err(`Can't understand argument: ${args[0]}\n`);
      return 1;
    }
    const rows: string[][] = [];
    return call(ctx, async (fs) => {
      for await (const { info, stats: s } of fs.listCacheDirectives(filter)) {
        const row = [`${info.id}`, info.pool ?? 'null', `${info.replication}`, info.expiration ? expiryText(info.expiration) : 'null', info.path ?? ''];
        if (stats) row.push(`${s.bytesNeeded}`, `${s.bytesCached}`, `${s.filesNeeded}`, `${s.filesCached}`);
        rows.push(row);
      }
      ctx.out(`Found ${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}\n`);
      if (rows.length > 0) ctx.out(tableListing(stats ? [...DIRECTIVE_FIELDS, ...DIRECTIVE_STATS_FIELDS] : DIRECTIVE_FIELDS, rows));
    }, []);
  },
};

const REMOVE_DIRECTIVE_USAGE = '[-removeDirective <id>]\n';
const removeDirective: AdminCommand = {
  name: '-removeDirective',
  shortUsage: REMOVE_DIRECTIVE_USAGE,
  longUsage: `${REMOVE_DIRECTIVE_USAGE}\nRemove a cache directive.\n\n${optionListing([
    ['<id>', 'The id of the cache directive to remove.  You must have write permission on the pool of the directive in order to remove it.  To see a list of cache directive IDs, use the -listDirectives command.'],
  ])}`,
  run: async (ctx, args) => {
    const idString = popFirstNonOption(args);
    if (idString === undefined) {
      ctx.err('You must specify a directive ID to remove.\n');
      return 1;
    }
    let id: bigint;
    try {
      id = parseLong(idString);
    } catch {
      ctx.err(`Invalid directive ID ${idString}: expected a numeric value.\n`);
      return 1;
    }
    if (id <= 0n) {
      ctx.err(`Invalid directive ID ${id}: ids must be greater than 0.\n`);
      return 1;
    }
    if (args.length > 0) {
      ctx.err(`Can't understand argument: ${args[0]}\nUsage is ${REMOVE_DIRECTIVE_USAGE}\n`);
      return 1;
    }
    return call(ctx, async (fs) => {
      await fs.removeCacheDirective(id);
      ctx.out(`Removed cached directive ${id}\n`);
    });
  },
};

const REMOVE_DIRECTIVES_USAGE = '[-removeDirectives -path <path>]\n';
const removeDirectives: AdminCommand = {
  name: '-removeDirectives',
  shortUsage: REMOVE_DIRECTIVES_USAGE,
  longUsage: `${REMOVE_DIRECTIVES_USAGE}\nRemove every cache directive with the specified path.\n\n${optionListing([
    ['-path <path>', 'The path of the cache directives to remove.  You must have write permission on the pool of the directive in order to remove it.  To see a list of cache directives, use the -listDirectives command.'],
  ])}`,
  run: async (ctx, args) => {
    const path = popOptionWithArgument(args, '-path');
    if (path === undefined) {
      ctx.err('You must specify a path with -path.\n');
      return 1;
    }
    if (args.length > 0) {
      ctx.err(`Can't understand argument: ${args[0]}\nUsage is ${REMOVE_DIRECTIVES_USAGE}\n`);
      return 1;
    }
    let exitCode = 0;
    try {
      const fs = await ctx.fs();
      for await (const { info } of fs.listCacheDirectives({ path: checkPath(path) })) {
        try {
          await fs.removeCacheDirective(info.id!);
          ctx.out(`Removed cache directive ${info.id}\n`);
        } catch (e) {
          ctx.err(`${prettifyException(e, UNWRAPPED)}\n`);
          exitCode = 2;
        }
      }
    } catch (e) {
      if (e instanceof IllegalArgument) throw e;
      ctx.err(`${prettifyException(e)}\n`);
      exitCode = 2;
    }
    if (exitCode === 0) ctx.out(`Removed every cache directive with path ${path}\n`);
    return exitCode;
  },
};

const POOL_OPTIONS = '[-owner <owner>] [-group <group>] [-mode <mode>] [-limit <limit>] [-defaultReplication <defaultReplication>] [-maxTtl <maxTtl>]';
const ADD_POOL_USAGE = `[-addPool <name> ${POOL_OPTIONS}]\n`;

/** "Can't understand arguments: a b" and the usage, as the pool commands print leftovers. */
function leftovers(ctx: AdminContext, args: readonly string[], usage: string): number {
  ctx.err(`Can't understand arguments: ${args.join(' ')}\nUsage is ${usage}\n`);
  return 1;
}

const addPool: AdminCommand = {
  name: '-addPool',
  shortUsage: ADD_POOL_USAGE,
  longUsage: `${ADD_POOL_USAGE}\nAdd a new cache pool.\n\n${optionListing([
    ['<name>', 'Name of the new pool.'],
    ['<owner>', 'Username of the owner of the pool. Defaults to the current user.'],
    ['<group>', 'Group of the pool. Defaults to the primary group name of the current user.'],
    ['<mode>', 'UNIX-style permissions for the pool. Permissions are specified in octal, e.g. 0755. By default, this is set to 0755.'],
    ['<limit>', 'The maximum number of bytes that can be cached by directives in this pool, in aggregate. By default, no limit is set.'],
    ['<defaultReplication>', 'The default replication number for cache directive in the pool. If not set, the replication is set to 1'],
    ['<maxTtl>', 'The maximum allowed time-to-live for directives being added to the pool. This can be specified in seconds, minutes, hours, and days, e.g. 120s, 30m, 4h, 2d. Valid units are [smhd]. By default, no maximum is set. A value of "never" specifies that there is no limit.'],
  ])}`,
  run: async (ctx, args) => {
    const name = popFirstNonOption(args);
    if (name === undefined) {
      ctx.err('You must specify a name when creating a cache pool.\n');
      return 1;
    }
    const info: CachePoolInfoProto = { poolName: name };
    const owner = popOptionWithArgument(args, '-owner');
    if (owner !== undefined) info.ownerName = owner;
    const group = popOptionWithArgument(args, '-group');
    if (group !== undefined) info.groupName = group;
    const mode = popOptionWithArgument(args, '-mode');
    if (mode !== undefined) info.mode = parseShort(mode, 8) & 0o1777;
    const limit = parseLimit(popOptionWithArgument(args, '-limit'));
    if (limit !== undefined) info.limit = limit;
    const replication = popOptionWithArgument(args, '-defaultReplication');
    if (replication !== undefined) info.defaultReplication = parseShort(replication);
    const maxTtl = popOptionWithArgument(args, '-maxTtl');
    try {
      const ms = parseTtl(maxTtl);
      if (ms !== undefined) info.maxRelativeExpiry = ms;
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      ctx.err(`Error while parsing maxTtl value: ${e.message}\n`);
      return 1;
    }
    if (args.length > 0) return leftovers(ctx, args, ADD_POOL_USAGE);
    const code = await call(ctx, (fs) => fs.addCachePool(info));
    if (code === 0) ctx.out(`Successfully added cache pool ${name}.\n`);
    return code;
  },
};

const MODIFY_POOL_USAGE = `[-modifyPool <name> ${POOL_OPTIONS}]\n`;
const modifyPool: AdminCommand = {
  name: '-modifyPool',
  shortUsage: MODIFY_POOL_USAGE,
  longUsage: `${MODIFY_POOL_USAGE}\n${wrap('Modifies the metadata of an existing cache pool. See usage of -addPool for more details.', MAX_LINE_WIDTH)}\n\n${optionListing([
    ['<name>', 'Name of the pool to modify.'],
    ['<owner>', 'Username of the owner of the pool'],
    ['<group>', 'Groupname of the group of the pool.'],
    ['<mode>', 'Unix-style permissions of the pool in octal.'],
    ['<limit>', 'Maximum number of bytes that can be cached by this pool.'],
    ['<defaultReplication>', 'Default replication num for directives in this pool'],
    ['<maxTtl>', 'The maximum allowed time-to-live for directives being added to the pool.'],
  ])}`,
  run: async (ctx, args) => {
    const owner = popOptionWithArgument(args, '-owner');
    const group = popOptionWithArgument(args, '-group');
    const modeString = popOptionWithArgument(args, '-mode');
    const mode = modeString === undefined ? undefined : Number(parseJavaInteger(modeString, 8, 32));
    const limit = parseLimit(popOptionWithArgument(args, '-limit'));
    const replicationString = popOptionWithArgument(args, '-defaultReplication');
    const replication = replicationString === undefined ? undefined : parseShort(replicationString);
    const maxTtlString = popOptionWithArgument(args, '-maxTtl');
    let maxTtl: bigint | undefined;
    try {
      maxTtl = parseTtl(maxTtlString);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      ctx.err(`Error while parsing maxTtl value: ${e.message}\n`);
      return 1;
    }
    const name = popFirstNonOption(args);
    if (name === undefined) {
      ctx.err('You must specify a name when creating a cache pool.\n');
      return 1;
    }
    if (args.length > 0) return leftovers(ctx, args, MODIFY_POOL_USAGE);
    // new FsPermission(mode.shortValue()): the short's permission and sticky bits
    const perm = mode === undefined ? undefined : ((mode << 16) >> 16) & 0o1777;
    const info: CachePoolInfoProto = {
      poolName: name, ...(owner !== undefined ? { ownerName: owner } : {}), ...(group !== undefined ? { groupName: group } : {}),
      ...(perm !== undefined ? { mode: perm } : {}), ...(limit !== undefined ? { limit } : {}),
      ...(replication !== undefined ? { defaultReplication: replication } : {}), ...(maxTtl !== undefined ? { maxRelativeExpiry: maxTtl } : {}),
    };
    if (Object.keys(info).length === 1) {
      ctx.err('You must specify at least one attribute to change in the cache pool.\n');
      return 1;
    }
    const code = await call(ctx, (fs) => fs.modifyCachePool(info));
    if (code !== 0) return code;
    // CacheAdmin's own output, println after the replication and its " replication " prefix after it included
    let line = `Successfully modified cache pool ${name}`;
    let prefix = ' to have ';
    const part = (text: string) => {
      line += `${prefix}${text}`;
      prefix = ' and ';
    };
    if (owner !== undefined) part(`owner name ${owner}`);
    if (group !== undefined) part(`group name ${group}`);
    if (perm !== undefined) part(`mode ${permissionString(perm)}`);
    if (limit !== undefined) part(`limit ${limit}`);
    if (replication !== undefined) {
      line += `${prefix}replication ${replication}\n`;
      prefix = ' replication ';
    }
    if (maxTtl !== undefined) line += `${prefix}max time-to-live ${maxTtlString}`;
    ctx.out(`${line}\n`);
    return 0;
  },
};

const REMOVE_POOL_USAGE = '[-removePool <name>]\n';
const removePool: AdminCommand = {
  name: '-removePool',
  shortUsage: REMOVE_POOL_USAGE,
  longUsage: `${REMOVE_POOL_USAGE}\n${wrap('Remove a cache pool. This also uncaches paths associated with the pool.\n\n', MAX_LINE_WIDTH)}<name>  Name of the cache pool to remove.\n`,
  run: async (ctx, args) => {
    const name = popFirstNonOption(args);
    if (name === undefined) {
      ctx.err('You must specify a name when deleting a cache pool.\n');
      return 1;
    }
    if (args.length > 0) return leftovers(ctx, args, REMOVE_POOL_USAGE);
    const code = await call(ctx, (fs) => fs.removeCachePool(name));
    if (code === 0) ctx.out(`Successfully removed cache pool ${name}.\n`);
    return code;
  },
};

const LIST_POOLS_USAGE = '[-listPools [-stats] [<name>]]\n';
const POOL_FIELDS: readonly TableField[] = [
  { title: 'NAME', justification: 'LEFT' }, { title: 'OWNER', justification: 'LEFT' }, { title: 'GROUP', justification: 'LEFT' }, { title: 'MODE', justification: 'LEFT' },
  { title: 'LIMIT', justification: 'RIGHT' }, { title: 'MAXTTL', justification: 'RIGHT' }, { title: 'DEFAULT_REPLICATION', justification: 'RIGHT' },
];
const POOL_STATS_FIELDS: readonly TableField[] = ['BYTES_NEEDED', 'BYTES_CACHED', 'BYTES_OVERLIMIT', 'FILES_NEEDED', 'FILES_CACHED'].map((title) => ({ title, justification: 'RIGHT' as const }));

/** One -listPools row: what a pool the caller may not read lacks is "" (null) or "null" ("" + null), as CacheAdmin builds it. */
export function poolRow(info: CachePoolInfoProto): (string | null)[] {
  const limit = info.limit === undefined ? 'null' : BigInt(info.limit) === LIMIT_UNLIMITED ? 'unlimited' : `${info.limit}`;
  const maxTtl = info.maxRelativeExpiry === undefined ? null : BigInt(info.maxRelativeExpiry) === MAX_RELATIVE_EXPIRY_MS ? 'never' : durationToString(BigInt(info.maxRelativeExpiry));
  return [info.poolName ?? '', info.ownerName ?? null, info.groupName ?? null, info.mode === undefined ? null : permissionString(info.mode & 0o1777), limit, maxTtl, `${info.defaultReplication ?? 'null'}`];
}

const listPools: AdminCommand = {
  name: '-listPools',
  shortUsage: LIST_POOLS_USAGE,
  longUsage: `${LIST_POOLS_USAGE}\n${wrap('Display information about one or more cache pools, e.g. name, owner, group, permissions, etc.', MAX_LINE_WIDTH)}\n\n${optionListing([
    ['-stats', 'Display additional cache pool statistics.'],
    ['<name>', 'If specified, list only the named cache pool.'],
  ])}`,
  run: async (ctx, args) => {
    const name = popFirstNonOption(args);
    const stats = popOption(args, '-stats');
    if (args.length > 0) return leftovers(ctx, args, LIST_POOLS_USAGE);
    const rows: (string | null)[][] = [];
    const code = await call(ctx, async (fs) => {
      for await (const { info, stats: s } of fs.listCachePools()) {
        if (name !== undefined && info.poolName !== name) continue;
        const row = poolRow(info);
        if (stats) row.push(`${s.bytesNeeded}`, `${s.bytesCached}`, `${s.bytesOverlimit}`, `${s.filesNeeded}`, `${s.filesCached}`);
        rows.push(row);
        if (name !== undefined) break;
      }
    }, []);
    if (code !== 0) return code;
    ctx.out(`Found ${rows.length} result${rows.length === 1 ? '' : 's'}.\n`);
    if (rows.length > 0) ctx.out(tableListing(stats ? [...POOL_FIELDS, ...POOL_STATS_FIELDS] : POOL_FIELDS, rows));
    // "If list pools succeed, we return 0"
    return 0;
  },
};

/** CacheAdmin.COMMANDS, in its order. */
const COMMANDS: readonly AdminCommand[] = [addDirective, modifyDirective, listDirectives, removeDirective, removeDirectives, addPool, modifyPool, removePool, listPools];

/** AdminHelper.printUsage(false, "cacheadmin", COMMANDS), then ToolRunner.printGenericCommandUsage. */
export function cacheAdminUsage(): string {
  return adminUsage('cacheadmin', COMMANDS);
}

export function register(program: Command): void {
  program
    .command('cacheadmin')
    .description('centralized cache management like hdfs cacheadmin: -addDirective, -modifyDirective, -listDirectives, -removeDirective, -removeDirectives, -addPool, -modifyPool, -removePool, -listPools, -help')
    .usage('-addDirective -path <path> -pool <pool> ... | -listDirectives [-stats] | -addPool <name> ... | -listPools [-stats] [<name>] | -help [command-name]')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runCacheAdmin(cliConfigSource(command), args);
    });
}

/** CacheAdmin.run: `config` a conf dir or the generic options; `argv` the words after `cacheadmin`. */
export function runCacheAdmin(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runAdminTool('cacheadmin', COMMANDS, config, argv, io);
}
