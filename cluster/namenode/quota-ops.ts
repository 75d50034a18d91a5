/**
 * ClientProtocol.setQuota (Hadoop 3.4.1's FSNamesystem.setQuota, FSDirAttrOp.setQuota /
 * unprotectedSetQuota): the namespace and storage-space quotas of a directory, behind `hdfs
 * dfsadmin -setQuota / -clrQuota / -setSpaceQuota / -clrSpaceQuota`. Superuser only
 * (checkSuperuserPrivilege, audited as refused; dfs.permissions.allow.owner.set.quota is not
 * supported: hsec keeps its default, false). Then, under the write lock and in Hadoop's order: safe
 * mode ("Cannot set quota on /p"); the values (java.lang.IllegalArgumentException "Illegal value for
 * nsQuota or ssQuota : N and S": a quota is >= 0, QUOTA_RESET -1 or QUOTA_DONT_SET
 * Long.MAX_VALUE); a storage type with a namespace quota (UnsupportedActionException, Hadoop's
 * text); the directory (FileNotFoundException "Directory does not exist: /p",
 * PathIsNotDirectoryException "`/p': Is not a directory"). QUOTA_DONT_SET keeps the old value;
 * clearing the root's namespace quota sets it back to Long.MAX_VALUE (Hadoop 2 refused it with
 * "Cannot clear namespace quota on root.", 3.x does not); an unchanged quota is not journaled. The audit
 * command is clearQuota, clearSpaceQuota, setQuota or setSpaceQuota (getQuotaCommand).
 *
 * Quotas by storage type are refused (UnsupportedActionException): hsec's quota counts keep no
 * per-storage-type use (Hadoop's DirectoryWithQuotaFeature does, by each file's storage policy,
 * storage-policies.ts), so there is nothing to count a type quota against.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import type { StorageType } from '../protocol/hdfs-types.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fileNotFound, fsError, HadoopException, permissionDenied } from './namespace/fs-errors.ts';
import { QUOTA_DONT_SET, QUOTA_RESET } from './namespace/quota.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

/** DFSConfigKeys.DFS_QUOTA_BY_STORAGETYPE_ENABLED_KEY (default true), named in Hadoop's refusal. */
const QUOTA_BY_STORAGE_TYPE_KEY = 'dfs.quota.by.storage.type.enabled';

/** FSNamesystem.getQuotaCommand: the audit log's command. */
export function quotaCommand(nsQuota: bigint, ssQuota: bigint): string {
  if (nsQuota === QUOTA_RESET && ssQuota === QUOTA_DONT_SET) return 'clearQuota';
  if (nsQuota === QUOTA_DONT_SET && ssQuota === QUOTA_RESET) return 'clearSpaceQuota';
  if (ssQuota === QUOTA_DONT_SET) return 'setQuota';
  return 'setSpaceQuota';
}

const valid = (q: bigint): boolean => q >= 0n || q === QUOTA_RESET;

const javaIllegalArgument = (message: string, path: string) =>
  fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, message, { path });

export class QuotaOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.setQuota(src, nsQuota, ssQuota, type). */
  async setQuota(src: string, nsQuota: bigint, ssQuota: bigint, type: StorageType | undefined, caller: CallerInfo): Promise<void> {
    const ns = this.#ns;
    const cmd = quotaCommand(nsQuota, ssQuota);
    const pc = ns.checker(caller);
    if (ns.settings.permissions.enabled && !pc.superUser) {
      ns.auditDenied(caller, cmd, src);
      throw permissionDenied(`Access denied for user ${caller.user}. Superuser privilege is required`, { user: caller.user, path: src });
    }
    try {
      await ns.write(async () => {
        ns.checkNameNodeSafeMode(`Cannot set quota on ${src}`);
        const r = ns.resolve(pc, src, false);
        // FSDirAttrOp.unprotectedSetQuota
        if (!valid(nsQuota) || !valid(ssQuota)) throw javaIllegalArgument(`Illegal value for nsQuota or ssQuota : ${nsQuota} and ${ssQuota}`, r.path);
        if (type !== undefined) {
          if (nsQuota !== QUOTA_DONT_SET) {
            throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED_ACTION,
              `Failed to set quota by storage type because either${QUOTA_BY_STORAGE_TYPE_KEY} is set to true or nsQuota value is illegal ${nsQuota}`, { path: r.path });
          }
          throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED_ACTION,
            `Failed to set quota by storage type ${type} on ${r.path}: this NameNode does not count space by storage type (its quota counts keep no per-type use); set a space quota without -storageType`, { path: r.path });
        }
        const node = lastInode(r);
        if (!node) throw fileNotFound(`Directory does not exist: ${r.path}`, r.path);
        if (node.kind !== 'directory') throw fsError('FS_INVALID_PATH', HadoopException.PATH_IS_NOT_DIRECTORY, `\`${r.path}': Is not a directory`, { path: r.path });
        const oldNs = node.quota?.nsQuota ?? QUOTA_RESET;
        const oldSs = node.quota?.ssQuota ?? QUOTA_RESET;
        // clearing the root's namespace quota puts back its default, Long.MAX_VALUE (not a refusal since Hadoop 3)
        const clearsRoot = node === ns.fsd.root && nsQuota === QUOTA_RESET;
        const newNs = clearsRoot ? QUOTA_DONT_SET : nsQuota === QUOTA_DONT_SET ? oldNs : nsQuota;
        const newSs = ssQuota === QUOTA_DONT_SET ? oldSs : ssQuota;
        if (newNs === oldNs && newSs === oldSs) return;
        await ns.commit([{ op: 'SET_QUOTA', path: r.path, nsQuota: newNs, ssQuota: newSs }], `quota of ${r.path}`);
      });
    } catch (e) {
      if (e instanceof AccessControlError) ns.auditDenied(caller, cmd, src);
      throw e;
    }
    ns.audit(caller, cmd, src);
  }
}
