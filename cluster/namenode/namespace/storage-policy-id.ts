/**
 * Where an inode keeps its block storage policy (Hadoop 3.4.1's INodeFile.HeaderFormat
 * STORAGE_POLICY_ID, INodeDirectory.getLocalStoragePolicyID, BlockStoragePolicySuite.buildXAttr):
 * a file in its header (`INodeFile.storagePolicyId`, 4 bits), a directory in the system xattr
 * `system.hsm.block.storage.policy.id` whose value is the one id byte. 0
 * (HdfsConstants.BLOCK_STORAGE_POLICY_ID_UNSPECIFIED) means none is set here. The xattr is in the
 * SYSTEM namespace, so no client can name or list it (xattr-permission-filter.ts) and it does not
 * count against dfs.namenode.fs-limits.max-xattrs-per-inode; a snapshot keeps it with the
 * directory's other xattrs. The effective policy is the nearest one set on the inode or an
 * ancestor (INodeFile / INodeDirectory.getStoragePolicyID), 0 when none is.
 */
import { XAttrSetFlag, type XAttr } from '../../protocol/xattr.ts';
import type { INode } from './inode.ts';
import { removeINodeXAttr, setINodeXAttr } from './xattr-storage.ts';

/** HdfsConstants.BLOCK_STORAGE_POLICY_ID_UNSPECIFIED. */
export const STORAGE_POLICY_UNSPECIFIED = 0;

/** BlockStoragePolicySuite.STORAGE_POLICY_XATTR_NAME in XAttrNS (SYSTEM). */
export const STORAGE_POLICY_XATTR: Pick<XAttr, 'namespace' | 'name'> = Object.freeze({ namespace: 'SYSTEM', name: 'hsm.block.storage.policy.id' });

/** HdfsConstants.StoragePolicy.LAZY_PERSIST: the default suite's one isCopyOnCreateFile policy. */
export const LAZY_PERSIST_POLICY_ID = 15;

/** BlockStoragePolicySuite.ID_BIT_LENGTH: ids fit in 4 bits. */
export const MAX_STORAGE_POLICY_ID = 15;

const isPolicyXAttr = (x: XAttr): boolean => x.namespace === STORAGE_POLICY_XATTR.namespace && x.name === STORAGE_POLICY_XATTR.name;

/** INode.getLocalStoragePolicyID: the id set on this inode itself (0 = none). */
export function localStoragePolicyId(node: INode): number {
  if (node.kind === 'file') return node.storagePolicyId;
  // INodeDirectory.getLocalStoragePolicyID: the xattr's one byte, when it has exactly one
  const value = node.xattrs.find(isPolicyXAttr)?.value;
  return value?.length === 1 ? value[0]! : STORAGE_POLICY_UNSPECIFIED;
}

/** INode.getStoragePolicyID: this inode's own id, else the nearest ancestor's (0 = none up to the root). */
export function effectiveStoragePolicyId(node: INode): number {
  for (let n: INode | null = node; n; n = n.parent) {
    const id = localStoragePolicyId(n);
    if (id !== STORAGE_POLICY_UNSPECIFIED) return id;
  }
  return STORAGE_POLICY_UNSPECIFIED;
}

/**
 * FSDirAttrOp.setDirStoragePolicy: a directory's xattrs with the policy xattr set (CREATE|REPLACE,
 * first in the list, as FSDirXAttrOp.setINodeXAttrs puts it) or, for 0, removed
 * (filterINodeXAttrs; unchanged when it was not there).
 */
export function withDirStoragePolicy(xattrs: readonly XAttr[], policyId: number, maxXAttrsPerInode: number): XAttr[] {
  if (policyId === STORAGE_POLICY_UNSPECIFIED) return removeINodeXAttr(xattrs, STORAGE_POLICY_XATTR) ?? [...xattrs];
  return setINodeXAttr(xattrs, { ...STORAGE_POLICY_XATTR, value: Uint8Array.of(policyId) }, XAttrSetFlag.CREATE | XAttrSetFlag.REPLACE, maxXAttrsPerInode);
}
