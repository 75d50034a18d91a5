/**
 * The quota commands of `hsec dfsadmin`, after Hadoop 3.4.1's DFSAdmin SetQuotaCommand,
 * ClearQuotaCommand, SetSpaceQuotaCommand and ClearSpaceQuotaCommand with DFSClient.setQuota /
 * setQuotaByStorageType's client-side checks:
 *
 *   -setQuota <quota> <dirname>...           namespace quota (QUOTA_DONT_SET for the space quota)
 *   -clrQuota <dirname>...                   QUOTA_RESET namespace quota
 *   -setSpaceQuota <quota> [-storageType <t>] <dirname>...  space quota; 10g, 5t (TraditionalBinaryPrefix)
 *   -clrSpaceQuota [-storageType <t>] <dirname>...
 *
 * Parsing is CommandFormat's (at least 2 or 1 words; a leading word starting with `-` other than
 * -storageType of -clrSpaceQuota is "Illegal option -x"). A bad argument is an
 * IllegalArgumentException: DFSAdmin.run prints `setQuota: <message>` and the command's usage and
 * exits -1 (255). Each <dirname> is then expanded as `hsec fs` expands its paths (PathData.expandAsGlob,
 * ./fs-operands.ts): a glob, a path relative to the home directory /user/<short name>, or an
 * hdfs://host:port/ URI of the NameNode; a glob matching nothing is skipped silently (Command.runAll
 * does not check for it), a plain path that does not exist goes to the NameNode ("Directory does not
 * exist: /p"). Each match is then set in turn (runQuotaPlan): a refusal prints `setQuota: <first line
 * of the message>`, skips the rest of that argument's matches, and the next argument goes on; the
 * exit code is -1 if any failed. A file:// path stops the command with AdminHelper's "is not an HDFS
 * file system" and the usage.
 */
import { QUOTA_DONT_SET, QUOTA_RESET, type StorageType } from '../protocol/hdfs-types.ts';

export { QUOTA_DONT_SET, QUOTA_RESET };
const LONG_MIN = -(2n ** 63n);

/** DFSAdmin's IllegalArgumentException (and its NumberFormatException): printed with the usage. */
export class QuotaArgumentError extends Error {}

/** One call per directory. */
export interface QuotaPlan {
  readonly nsQuota: bigint;
  readonly ssQuota: bigint;
  readonly type?: StorageType;
  readonly dirs: readonly string[];
}

export const QUOTA_USAGE = {
  '-setQuota': '-setQuota <quota> <dirname>...<dirname>',
  '-clrQuota': '-clrQuota <dirname>...<dirname>',
  '-setSpaceQuota': '-setSpaceQuota <quota> [-storageType <storagetype>] <dirname>...<dirname>',
  '-clrSpaceQuota': '-clrSpaceQuota [-storageType <storagetype>] <dirname>...<dirname>',
} as const;
export type QuotaCommandName = keyof typeof QUOTA_USAGE;

/** StorageType's constants in declaration order, and getTypesSupportingQuota (all but RAM_DISK). */
const STORAGE_TYPES: readonly StorageType[] = ['RAM_DISK', 'SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM'];
const QUOTA_TYPES = STORAGE_TYPES.filter((t) => t !== 'RAM_DISK');

/** NumberFormatException of Long.parseLong. */
class NumberFormatError extends QuotaArgumentError {}

function parseLong(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new NumberFormatError(`For input string: "${s}"`);
  const v = BigInt(s);
  if (v > QUOTA_DONT_SET || v < LONG_MIN) throw new NumberFormatError(`For input string: "${s}"`);
  return v;
}

/** StringUtils.TraditionalBinaryPrefix.string2long: a long with an optional k/m/g/t/p/e suffix (any case). */
export function string2long(input: string): bigint {
  const s = input.trim();
  const last = s.at(-1) ?? '';
  if (last === '' || /\d/.test(last)) return parseLong(s);
  const power = 'KMGTPE'.indexOf(last.toUpperCase());
  if (power < 0) throw new QuotaArgumentError(`Invalid size prefix '${last}' in '${s}'. Allowed prefixes are k, m, g, t, p, e(case insensitive)`);
  const prefix = 1n << BigInt(10 * (power + 1));
  const num = parseLong(s.slice(0, -1));
  if (num > QUOTA_DONT_SET / prefix || num < LONG_MIN / prefix) throw new QuotaArgumentError(`${s} does not fit in a Long`);
  return num * prefix;
}

/** CommandFormat.parse without options: leading `-x` words are illegal, then the count is checked. */
function commandFormat(args: string[], min: number, withStorageType: boolean): string | undefined {
  let type: string | undefined;
  while (args.length > 0) {
    const a = args[0]!;
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--') {
      args.shift();
      break;
    }
    if (withStorageType && a === '-storageType') {
      args.shift();
      const v = args.length > 0 && args.length > min ? args.shift()! : '';
      if (!v.startsWith('-') || v === '-') type = v;
      continue;
    }
    throw new QuotaArgumentError(`Illegal option ${a}`);
  }
  if (args.length < min) throw new QuotaArgumentError(`Not enough arguments: expected ${min} but got ${args.length}`);
  return type;
}

/** StorageType.parseStorageType: valueOf(upper case). */
function parseStorageType(s: string): StorageType {
  const t = s.toUpperCase() as StorageType;
  if (!STORAGE_TYPES.includes(t)) throw new QuotaArgumentError(`No enum constant org.apache.hadoop.fs.StorageType.${t}`);
  return t;
}

/** StringUtils.popOptionWithArgument. */
function popOptionWithArgument(name: string, args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (a !== name) continue;
    if (i + 1 >= args.length) throw new QuotaArgumentError(`option ${name} requires 1 argument.`);
    return args.splice(i, 2)[1]!;
  }
  return undefined;
}

/** The command's constructor parsing, then DFSClient's checks of the values (before any call). */
export function parseQuotaCommand(name: QuotaCommandName, argv: readonly string[]): QuotaPlan {
  const args = [...argv];
  let plan: QuotaPlan;
  switch (name) {
    case '-setQuota': {
      commandFormat(args, 2, false);
      plan = { nsQuota: string2long(args.shift()!), ssQuota: QUOTA_DONT_SET, dirs: args };
      break;
    }
    case '-clrQuota':
      commandFormat(args, 1, false);
      plan = { nsQuota: QUOTA_RESET, ssQuota: QUOTA_DONT_SET, dirs: args };
      break;
    case '-setSpaceQuota': {
      commandFormat(args, 2, false);
      const str = args.shift()!.trim();
      let quota: bigint;
      try {
        quota = string2long(str);
      } catch (e) {
        if (e instanceof NumberFormatError) throw new QuotaArgumentError(`"${str}" is not a valid value for a quota.`);
        throw e;
      }
      const typeName = popOptionWithArgument('-storageType', args);
      let type: StorageType | undefined;
      if (typeName !== undefined) {
        try {
          type = parseStorageType(typeName);
        } catch {
          throw new QuotaArgumentError(`Storage type ${typeName} is not available. Available storage types are [${QUOTA_TYPES.join(', ')}]`);
        }
      }
      plan = { nsQuota: QUOTA_DONT_SET, ssQuota: quota, ...(type ? { type } : {}), dirs: args };
      break;
    }
    case '-clrSpaceQuota': {
      const typeName = commandFormat(args, 1, true);
      const type = typeName === undefined ? undefined : parseStorageType(typeName);
      plan = { nsQuota: QUOTA_DONT_SET, ssQuota: QUOTA_RESET, ...(type ? { type } : {}), dirs: args };
      break;
    }
  }
  if (plan.dirs.length > 0) checkValues(plan);
  return plan;
}

const special = (q: bigint) => q === QUOTA_DONT_SET || q === QUOTA_RESET;

/** DFSClient.setQuota / setQuotaByStorageType: the values a NameNode is asked to set. */
function checkValues({ nsQuota, ssQuota, type }: QuotaPlan): void {
  if (type !== undefined) {
    if (ssQuota <= 0n && !special(ssQuota)) throw new QuotaArgumentError(`Invalid values for quota :${ssQuota}`);
    if (type === 'RAM_DISK') throw new QuotaArgumentError(`Don't support Quota for storage type : ${type}`);
    return;
  }
  if ((nsQuota <= 0n && !special(nsQuota)) || (ssQuota < 0n && !special(ssQuota))) {
    throw new QuotaArgumentError(`Invalid values for quota : ${nsQuota} and ${ssQuota}`);
  }
}

/** AdminHelper.checkAndGetDFS's refusal of a local path (an IllegalArgumentException: printed with the usage, and the command stops). */
function checkHdfsScheme(arg: string): void {
  if (/^file:/i.test(arg)) {
    throw new QuotaArgumentError('FileSystem file:/// is not an HDFS file system. The fs class is: org.apache.hadoop.fs.LocalFileSystem');
  }
}

/** What Command.runAll works with. */
export interface QuotaRunner {
  /** PathData.expandAsGlob: [] for a glob matching nothing, the path itself when it has no wildcard. */
  expand(arg: string): Promise<ReadonlyArray<{ readonly path: string }>>;
  /** DFSAdminCommand.run: DistributedFileSystem.setQuota (or setQuotaByStorageType) of one match. */
  setQuota(path: string, plan: QuotaPlan): Promise<void>;
  /** Command.displayError's text for an IOException; undefined for anything else (thrown on). */
  failure(e: unknown): string | undefined;
  err(s: string): void;
}

/**
 * Command.runAll: each argument is expanded and each of its matches set in turn; an IOException
 * (from the expansion or a NameNode refusal) prints `setQuota: <message>`, skips the argument's
 * remaining matches and makes the exit code -1, and the next argument goes on. A glob matching
 * nothing does nothing. Resolves to 0 or -1 (DFSAdmin's exit code before the JVM's 255).
 */
export async function runQuotaPlan(name: QuotaCommandName, plan: QuotaPlan, runner: QuotaRunner): Promise<0 | -1> {
  let code: 0 | -1 = 0;
  for (const arg of plan.dirs) {
    try {
      checkHdfsScheme(arg);
      for (const item of await runner.expand(arg)) await runner.setQuota(item.path, plan);
    } catch (e) {
      const message = runner.failure(e);
      if (message === undefined) throw e;
      runner.err(`${name.slice(1)}: ${message}\n`);
      code = -1;
    }
  }
  return code;
}
