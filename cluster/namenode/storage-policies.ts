/**
 * Block storage policies as Hadoop 3.4.1 defines and records them (BlockStoragePolicySuite
 * .createDefaultSuite, ids from HdfsConstants.StoragePolicy; dfs.storage.default.policy's default
 * HOT) and the ClientProtocol calls on them (FSNamesystem / FSDirAttrOp getStoragePolicies,
 * getStoragePolicy, setStoragePolicy, unsetStoragePolicy, satisfyStoragePolicy). The NameNode
 * records a policy on a file (its header) or a directory (a system xattr): namespace/storage-policy-id.ts,
 * journaled as SET_STORAGE_POLICY and kept in snapshots. A path's policy is the nearest one set on
 * it or an ancestor; getStoragePolicy answers the default, HOT, when none is
 * (BlockStoragePolicySuite.getPolicy(0)). Nothing moves existing replicas, as on a stock cluster
 * until the Mover runs; new blocks go to storages of the types the policy chooses, with its
 * fallbacks (blocks/block-placement.ts): hsec's DataNodes have DISK only, so every policy but COLD
 * places on DISK and a COLD block finds no target.
 *
 * setStoragePolicy / unsetStoragePolicy, in FSNamesystem's order: dfs.storage.policy.enabled
 * (IOException "Failed to set storage policy since dfs.storage.policy.enabled is set to false."),
 * with dfs.storage.policy.permissions.superuser-only the superuser check (audited as refused, no
 * path), then under the write lock safe mode ("Cannot set storage policy for /p"), the policy name
 * (any case; HadoopIllegalArgumentException "Cannot find a block policy with the name X"), the
 * traverse check, WRITE on the path (with permissions on), the inode (FileNotFoundException
 * "File/Directory does not exist: /p"), LAZY_PERSIST's rule (isCopyOnCreateFile: it cannot be set
 * on an existing file, nor changed or unset on a file that has it; a directory may have it and its
 * new files copy it, file-writes.ts). Unsetting is setting 0; each change is journaled, even one
 * that changes nothing, and audited with the inode's status; an AccessControlException as
 * allowed=false. satisfyStoragePolicy: the enabled check ("Failed to satisfy storage policy ..."),
 * then UnsupportedActionException, as the satisfier is off (dfs.storage.policy.satisfier.mode
 * none; namenode-config.ts refuses `external`). getStoragePolicy is not audited.
 */
import { AccessControlError } from '../../lib/errors/index.ts';
import { blockStoragePolicyString } from '../protocol/block-storage-policy.ts';
export { chooseStorageTypes, TYPES_SUPPORTING_QUOTA } from '../protocol/block-storage-policy.ts';
import type { BlockStoragePolicy } from '../protocol/client-protocol.ts';
import type { StorageType } from '../protocol/hdfs-types.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import { lastInode } from './namespace/fs-directory.ts';
import { fileNotFound, fsError, HadoopException, illegalArgument, ioError } from './namespace/fs-errors.ts';
import type { INode } from './namespace/inode.ts';
import { FsAction } from './namespace/permission-checker.ts';
import { effectiveStoragePolicyId, LAZY_PERSIST_POLICY_ID, localStoragePolicyId, STORAGE_POLICY_UNSPECIFIED, withDirStoragePolicy } from './namespace/storage-policy-id.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

/** One policy: creation types, then the creation and replication fallbacks (an empty list is not sent: PBHelperClient.convert). */
function policy(policyId: number, name: string, creation: StorageType[], creationFallback: StorageType[], replicationFallback: StorageType[]): BlockStoragePolicy {
  return {
    policyId, name, creationPolicy: { storageTypes: creation },
    ...(creationFallback.length > 0 ? { creationFallbackPolicy: { storageTypes: creationFallback } } : {}),
    ...(replicationFallback.length > 0 ? { replicationFallbackPolicy: { storageTypes: replicationFallback } } : {}),
  };
}

/** The default suite in id order, as BlockStoragePolicySuite.getAllPolicies lists it. */
export const DEFAULT_STORAGE_POLICIES: readonly BlockStoragePolicy[] = Object.freeze([
  policy(1, 'PROVIDED', ['PROVIDED', 'DISK'], ['PROVIDED', 'DISK'], ['PROVIDED', 'DISK']),
  policy(2, 'COLD', ['ARCHIVE'], [], []),
  policy(5, 'WARM', ['DISK', 'ARCHIVE'], ['DISK', 'ARCHIVE'], ['DISK', 'ARCHIVE']),
  policy(7, 'HOT', ['DISK'], [], ['ARCHIVE']),
  policy(10, 'ONE_SSD', ['SSD', 'DISK'], ['SSD', 'DISK'], ['SSD', 'DISK']),
  policy(12, 'ALL_SSD', ['SSD'], ['DISK'], ['DISK']),
  policy(14, 'ALL_NVDIMM', ['NVDIMM'], ['DISK'], ['DISK']),
  policy(15, 'LAZY_PERSIST', ['RAM_DISK', 'DISK'], ['DISK'], ['DISK']),
]);

/** HdfsConstants.StoragePolicy.HOT: dfs.storage.default.policy's default. */
export const DEFAULT_STORAGE_POLICY_ID = 7;

/** BlockStoragePolicySuite.getPolicy(byte): 0 is the default policy; an id the suite lacks is undefined (Java's null). */
export function policyById(id: number): BlockStoragePolicy | undefined {
  const wanted = id === STORAGE_POLICY_UNSPECIFIED ? DEFAULT_STORAGE_POLICY_ID : id;
  return DEFAULT_STORAGE_POLICIES.find((p) => p.policyId === wanted);
}

/** BlockStoragePolicySuite.getPolicy(String): by name, any case. */
export function policyByName(name: string): BlockStoragePolicy | undefined {
  const upper = name.toUpperCase();
  return DEFAULT_STORAGE_POLICIES.find((p) => p.name === upper);
}

/** BlockStoragePolicy.isCopyOnCreateFile: a new file copies it from its directory, and no existing file gets or loses it. */
export function isCopyOnCreateFile(p: BlockStoragePolicy | undefined): boolean {
  return p?.policyId === LAZY_PERSIST_POLICY_ID;
}

/** FSDirAttrOp.setStoragePolicy(..., policyName): the "unknown name" refusal, shared with create (FSDirWriteFileOp.addFile). */
export function requirePolicyByName(name: string): BlockStoragePolicy {
  const p = policyByName(name);
  if (!p) throw illegalArgument(`Cannot find a block policy with the name ${name}`, { policy: name });
  return p;
}

/** DFSConfigKeys.DFS_STORAGE_POLICY_ENABLED_KEY, named in the refusal. */
const ENABLED_KEY = 'dfs.storage.policy.enabled';

/** FSNamesystem.validateStoragePolicySatisfy's text with no SPS manager. */
export const SATISFIER_DISABLED_MESSAGE = 'Cannot request to satisfy storage policy when storage policy satisfier feature has been disabled by admin. Seek for an admin help to enable it or use Mover tool.';

type Change = { cmd: 'setStoragePolicy'; readable: 'set storage policy'; safeMode: 'Cannot set storage policy for' }
  | { cmd: 'unsetStoragePolicy'; readable: 'unset storage policy'; safeMode: 'Cannot unset storage policy for' };

const SET: Change = { cmd: 'setStoragePolicy', readable: 'set storage policy', safeMode: 'Cannot set storage policy for' };
const UNSET: Change = { cmd: 'unsetStoragePolicy', readable: 'unset storage policy', safeMode: 'Cannot unset storage policy for' };

export class StoragePolicies {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getStoragePolicies: every policy of the suite. */
  getStoragePolicies(): readonly BlockStoragePolicy[] {
    return DEFAULT_STORAGE_POLICIES;
  }

  /**
   * FSDirAttrOp.getStoragePolicy: READ on the path (FileNotFoundException "File/Directory does not
   * exist: /p" when missing), then the inode's effective policy, the default when none is set.
   * Hadoop does not audit this call.
   */
  getStoragePolicy(src: string, caller: CallerInfo): BlockStoragePolicy {
    const pc = this.#ns.checker(caller);
    const r = this.#ns.resolve(pc, src, false);
    pc.check(r, { access: FsAction.READ });
    const node = lastInode(r);
    if (!node) throw fileNotFound(`File/Directory does not exist: ${r.path}`, r.path);
    return policyById(effectiveStoragePolicyId(node))!;
  }

  /** FSNamesystem.setStoragePolicy(src, policyName). */
  setStoragePolicy(src: string, policyName: string, caller: CallerInfo): Promise<void> {
    return this.#change(SET, src, caller, () => requirePolicyByName(policyName).policyId);
  }

  /** FSNamesystem.unsetStoragePolicy(src): FSDirAttrOp.setStoragePolicy with BLOCK_STORAGE_POLICY_ID_UNSPECIFIED. */
  unsetStoragePolicy(src: string, caller: CallerInfo): Promise<void> {
    return this.#change(UNSET, src, caller, () => STORAGE_POLICY_UNSPECIFIED);
  }

  /**
   * FSNamesystem.satisfyStoragePolicy: storage policies must be on, then the satisfier must be
   * running, which it never is here (dfs.storage.policy.satisfier.mode none). Neither refusal is
   * audited (both come before Hadoop's try block); the path is not looked at.
   */
  satisfyStoragePolicy(_src: string): void {
    this.#checkEnabled('satisfy storage policy');
    throw fsError('FS_UNSUPPORTED', HadoopException.UNSUPPORTED_ACTION, SATISFIER_DISABLED_MESSAGE, { configKey: 'dfs.storage.policy.satisfier.mode' });
  }

  /** FSNamesystem.checkStoragePolicyEnabled(operationNameReadable, checkSuperUser). */
  #checkEnabled(readable: string): void {
    if (!this.#ns.settings.storagePolicyEnabled) {
      throw ioError('FS_UNSUPPORTED', `Failed to ${readable} since ${ENABLED_KEY} is set to false.`, { configKey: ENABLED_KEY });
    }
  }

  /** FSNamesystem.setStoragePolicy / unsetStoragePolicy around FSDirAttrOp.setStoragePolicy. */
  async #change(c: Change, src: string, caller: CallerInfo, policyId: () => number): Promise<void> {
    const ns = this.#ns;
    this.#checkEnabled(c.readable);
    // CaseUtils.toCamelCase(operationNameReadable) is the audited command; the path is not named
    if (ns.settings.storagePolicySuperuserOnly) checkSuperuserPrivilege(ns, caller, c.cmd, null);
    let node: INode;
    try {
      node = await ns.write(async () => {
        ns.checkNameNodeSafeMode(`${c.safeMode} ${src}`);
        const id = policyId();
        const pc = ns.checker(caller);
        const r = ns.resolve(pc, src, false);
        pc.check(r, { access: FsAction.WRITE });
        const target = lastInode(r);
        if (!target) throw fileNotFound(`File/Directory does not exist: ${r.path}`, r.path);
        this.#checkChange(target, id, r.path);
        await ns.commit([{ op: 'SET_STORAGE_POLICY', path: r.path, policyId: id }], `storage policy of ${r.path}`);
        return target;
      });
    } catch (e) {
      if (e instanceof AccessControlError) ns.auditDenied(caller, c.cmd, src);
      throw e;
    }
    ns.audit(caller, c.cmd, src, node);
  }

  /** FSDirAttrOp.unprotectedSetStoragePolicy's refusals before the inode changes. */
  #checkChange(node: INode, id: number, path: string): void {
    if (node.kind === 'directory') {
      // setDirStoragePolicy: the xattr list must still fit dfs.namenode.fs-limits.max-xattrs-per-inode
      withDirStoragePolicy(node.xattrs, id, this.#ns.settings.maxXAttrsPerInode);
      return;
    }
    const next = policyById(id);
    if (id !== STORAGE_POLICY_UNSPECIFIED && isCopyOnCreateFile(next)) {
      throw illegalArgument(`Policy ${blockStoragePolicyString(next!)} cannot be set after file creation.`, { path });
    }
    const current = policyById(localStoragePolicyId(node));
    if (isCopyOnCreateFile(current)) throw illegalArgument(`Existing policy ${current!.name} cannot be changed after file creation.`, { path });
  }
}
