/**
 * `hsec fs -count`, after Hadoop 3.4's FsShell Count (org.apache.hadoop.fs.shell.Count) and the
 * text forms it prints: ContentSummary.toString(q, h, x) (`%12s %12s %18s ` counts, after
 * QuotaUsage.getQuotaUsage's `%12s %15s %15s %15s ` quotas with -q), QuotaUsage.toString with -u,
 * QuotaUsage.getTypesQuotaUsage (`%13s %17s ` per storage type) with -t, then
 * ContentSummary.toErasureCodingPolicy (`%20s `) with -e and ContentSummary.toSnapshot
 * (`%18s %24s %24s %28s `) with -s, and the path as the user wrote it.
 *
 * Options: -q quotas, -u quotas and usage only, -t [TYPES] quota by storage type (with -q or -u,
 * else ignored; TYPES a comma list, or ''/all for StorageType.getTypesSupportingQuota), -h sizes as
 * `1.5 K`, -v a header line, -x the counts without snapshots (ignored with -q or -u, saying so on
 * stdout as Count does), -e the erasure coding policy (`Replicated`, or `EC:` and the policy's
 * name), -s the snapshot counts. An hsec NameNode has no snapshots, so -x changes nothing there
 * and -s prints zeros; against a stock NameNode both use the summary's snapshot fields.
 */
import type { ContentSummary, QuotaUsage } from '../protocol/client-protocol.ts';
import type { StorageType } from '../protocol/hdfs-types.ts';
import type { QueryContext } from './fs-queries.ts';
import { long2String } from '../../lib/text/java-format.ts';
import { UsageError } from './usage.ts';

export const COUNT_USAGE = 'hsec fs -count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] [-s] <path> ...';
/** Count's boolean options (-t takes a value: popCountTypes). */
export const COUNT_FLAGS = 'qhvuxes';

/** StorageType's constants in declaration order (org.apache.hadoop.fs.StorageType, 3.4). */
const STORAGE_TYPES: readonly StorageType[] = ['RAM_DISK', 'SSD', 'DISK', 'ARCHIVE', 'PROVIDED', 'NVDIMM'];
/** StorageType.getTypesSupportingQuota: the non-transient types (all but RAM_DISK). */
const QUOTA_TYPES = STORAGE_TYPES.filter((t) => t !== 'RAM_DISK');

/**
 * CommandFormat.addOptionWithValue("t") as Count parses it: the first `-t` among the leading
 * options comes out of `args` with the word after it as its value, unless that word starts with `-`
 * or taking it would leave fewer than Count's one argument (the options before -t are gone by
 * then); then the value is "". Undefined without -t.
 */
export function popCountTypes(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || !a.startsWith('-') || a === '-') return undefined;
    if (a !== '-t') continue;
    args.splice(i, 1);
    if (i < args.length && args.length - i > 1 && !args[i]!.startsWith('-')) return args.splice(i, 1)[0]!;
    return '';
  }
  return undefined;
}

/** Count.getAndCheckStorageTypes: '' or all (any case) is every type with quotas, else StorageType.parseStorageType of each listed name. */
export function parseStorageTypes(types: string): StorageType[] {
  if (types === '' || types.toLowerCase() === 'all') return [...QUOTA_TYPES];
  return types.split(',').filter((t) => t !== '').map((t) => {
    const upper = t.toUpperCase() as StorageType;
    // StorageType.valueOf's IllegalArgumentException, which FsShell prints with the usage
    if (!STORAGE_TYPES.includes(upper)) throw new UsageError(`-count: No enum constant org.apache.hadoop.fs.StorageType.${upper}`, COUNT_USAGE);
    return upper;
  });
}

/** What Count prints for each path, from its options (Count.processOptions). */
export interface CountOptions {
  readonly quotas: boolean;
  readonly usageOnly: boolean;
  readonly human: boolean;
  readonly header: boolean;
  readonly excludeSnapshots: boolean;
  readonly ecPolicy: boolean;
  readonly snapshots: boolean;
  /** -t's types, when -t is given with -q or -u. */
  readonly types?: readonly StorageType[];
}

/** Count.processOptions: -t only with -q or -u; -x dropped (with Count's line on stdout) when either is given. */
export function countOptions(flags: ReadonlySet<string>, typesValue: string | undefined, out: (s: string) => void): CountOptions {
  const quotas = flags.has('q');
  const usageOnly = flags.has('u');
  let excludeSnapshots = flags.has('x');
  let types: StorageType[] | undefined;
  if (quotas || usageOnly) {
    if (typesValue !== undefined) types = parseStorageTypes(typesValue);
    if (excludeSnapshots) {
      out('q or u option is given, the -x option is ignored.\n');
      excludeSnapshots = false;
    }
  }
  return { quotas, usageOnly, human: flags.has('h'), header: flags.has('v'), excludeSnapshots, ecPolicy: flags.has('e'), snapshots: flags.has('s'), ...(types ? { types } : {}) };
}

/** Count's formatSize: StringUtils.TraditionalBinaryPrefix.long2String(n, "", 1) with -h. */
const size = (n: number | bigint, human: boolean): string => (human ? long2String(n, '', 1) : String(n));

const QUOTA_HEADER = `${'QUOTA'.padStart(12)} ${'REM_QUOTA'.padStart(15)} ${'SPACE_QUOTA'.padStart(15)} ${'REM_SPACE_QUOTA'.padStart(15)} `;
const SUMMARY_HEADER = `${'DIR_COUNT'.padStart(12)} ${'FILE_COUNT'.padStart(12)} ${'CONTENT_SIZE'.padStart(18)} `;
const EC_HEADER = `${'ERASURECODING_POLICY'.padStart(20)} `;
const SNAPSHOT_HEADER = snapshotColumns(['SNAPSHOT_LENGTH', 'SNAPSHOT_FILE_COUNT', 'SNAPSHOT_DIR_COUNT', 'SNAPSHOT_SPACE_CONSUMED']);

/** The -v line: the quota or summary header, then the -e and -s ones, then PATHNAME. */
export function countHeader(o: CountOptions): string {
  const main = o.types ? typesHeader(o.types) : o.usageOnly ? QUOTA_HEADER : `${o.quotas ? QUOTA_HEADER : ''}${SUMMARY_HEADER}`;
  return `${main}${o.ecPolicy ? EC_HEADER : ''}${o.snapshots ? SNAPSHOT_HEADER : ''}PATHNAME\n`;
}

/** QuotaUsage.getStorageTypeHeader. */
function typesHeader(types: readonly StorageType[]): string {
  return types.map((t) => `${`${t}_QUOTA`.padStart(13)} ${`REM_${t}_QUOTA`.padStart(17)} `).join('');
}

/** QuotaUsage.getQuotaUsage: `none` / `inf` when a quota is not set (a name quota of 0 or less, a space quota below 0). */
export function quotaColumns(q: QuotaUsage, human: boolean): string {
  const set = typeof q.quota === 'bigint' ? q.quota > 0n : q.quota > 0;
  const quota = set ? size(q.quota, human) : 'none';
  const quotaRem = set ? size(BigInt(q.quota) - BigInt(q.fileAndDirectoryCount), human) : 'inf';
  const spaceSet = q.spaceQuota >= 0;
  const space = spaceSet ? size(q.spaceQuota, human) : 'none';
  const spaceRem = spaceSet ? size(BigInt(q.spaceQuota) - BigInt(q.spaceConsumed), human) : 'inf';
  return `${quota.padStart(12)} ${quotaRem.padStart(15)} ${space.padStart(15)} ${spaceRem.padStart(15)} `;
}

/** QuotaUsage.getTypesQuotaUsage: per type its quota and what remains (getTypeQuota -1 and getTypeConsumed 0 when the NameNode sent none). */
export function typesQuotaColumns(q: QuotaUsage, types: readonly StorageType[], human: boolean): string {
  const infos = q.typeQuotaInfos?.typeQuotaInfo ?? [];
  return types.map((t) => {
    const info = infos.find((i) => (i.type ?? 'DISK') === t);
    const quota = info?.quota ?? -1;
    const consumed = info?.consumed ?? 0;
    const set = quota >= 0;
    return `${(set ? size(quota, human) : 'none').padStart(13)} ${(set ? size(quota - consumed, human) : 'inf').padStart(17)} `;
  }).join('');
}

/** ContentSummary.toString(q, h, x): with x the snapshot counts taken off. */
export function summaryColumns(cs: ContentSummary, quotas: boolean, human: boolean, excludeSnapshots: boolean): string {
  const prefix = quotas ? quotaColumns({ ...cs, fileAndDirectoryCount: cs.fileCount + cs.directoryCount }, human) : '';
  const dirs = cs.directoryCount - (excludeSnapshots ? (cs.snapshotDirectoryCount ?? 0) : 0);
  const files = cs.fileCount - (excludeSnapshots ? (cs.snapshotFileCount ?? 0) : 0);
  const length = cs.length - (excludeSnapshots ? (cs.snapshotLength ?? 0) : 0);
  return `${prefix}${size(dirs, human).padStart(12)} ${size(files, human).padStart(12)} ${size(length, human).padStart(18)} `;
}

/** ContentSummary.toErasureCodingPolicy: `Replicated` as it is, any other policy (a directory without one: "") after `EC:`. */
export function ecPolicyColumn(cs: ContentSummary): string {
  const policy = cs.erasureCodingPolicy ?? '';
  return `${(policy === 'Replicated' ? policy : `EC:${policy}`).padStart(20)} `;
}

/** ContentSummary.toSnapshot. */
export function snapshotSummaryColumns(cs: ContentSummary, human: boolean): string {
  return snapshotColumns([cs.snapshotLength ?? 0, cs.snapshotFileCount ?? 0, cs.snapshotDirectoryCount ?? 0, cs.snapshotSpaceConsumed ?? 0].map((n) => size(n, human)));
}

function snapshotColumns([a, b, c, d]: string[]): string {
  return `${a!.padStart(18)} ${b!.padStart(24)} ${c!.padStart(24)} ${d!.padStart(28)} `;
}

/** Count.processPath over every operand (a missing one reported, the others go on). */
export async function count({ fs, operands, each, out, expand }: QueryContext, o: CountOptions): Promise<void> {
  if (o.header) out(countHeader(o));
  for (const item of await expand(operands)) {
    await each(item.shown, async () => {
      const path = item.status?.path ?? (await fs.stat(item.path)).path;
      let line: string;
      let summary: ContentSummary | undefined;
      const contentSummary = async () => (summary ??= await fs.contentSummary(path));
      if (o.usageOnly || o.types) {
        const q = await fs.quotaUsage(path);
        line = o.types ? typesQuotaColumns(q, o.types, o.human) : quotaColumns(q, o.human);
      } else {
        line = summaryColumns(await contentSummary(), o.quotas, o.human, o.excludeSnapshots);
      }
      if (o.ecPolicy) line += ecPolicyColumn(await contentSummary());
      if (o.snapshots) line += snapshotSummaryColumns(await contentSummary(), o.human);
      out(`${line}${item.shown}\n`);
    });
  }
}
