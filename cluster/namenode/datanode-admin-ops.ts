/**
 * The two NameNode calls behind `hdfs dfsadmin -setBalancerBandwidth` and `-listOpenFiles`
 * (Hadoop 3.4.1 FSNamesystem.setBalancerBandwidth and FSNamesystem.listOpenFiles with
 * LeaseManager.getUnderConstructionFiles), both superuser calls ("Access denied for user U.
 * Superuser privilege is required", audited as refused):
 *  - setBalancerBandwidth: every DataNode the NameNode knows gets the new value with its next
 *    heartbeat, once (BalancerBandwidthCommand, DNA_BALANCERBANDWIDTHUPDATE), and keeps it until
 *    it restarts; above HdfsServerConstants.MAX_BANDWIDTH_PER_DATANODE (1 TiB/s) it is refused
 *    (java.lang.IllegalArgumentException, NameNodeRpcServer's check, before the superuser check);
 *  - listOpenFiles: the files under construction (the leases' files) with an inode id above the
 *    one asked, in inode id order, that are the path or under it, at most
 *    dfs.namenode.list.openfiles.num.responses of them; `hasMore` when files were left unlooked at.
 *    BLOCKING_DECOMMISSION lists the open files that hold up a decommission: hsec decommissions
 *    no DataNode, so none. The path must be absolute (INode.checkAbsolutePath). A refusal for want
 *    of privilege is audited with the path, a success without it (src=null), as Hadoop does.
 */
import { HsecError } from '../../lib/errors/index.ts';
import type { OpenFileEntry, OpenFilesType } from '../protocol/client-protocol.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { isParentEntry } from './namespace/paths.ts';

/** HdfsServerConstants.MAX_BANDWIDTH_PER_DATANODE: 1 TiB per second. */
export const MAX_BANDWIDTH_PER_DATANODE = 1099511627776;

export interface OpenFilesBatch {
  entries: OpenFileEntry[];
  hasMore: boolean;
}

export class DatanodeAdminOps {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /**
   * NameNodeRpcServer.setBalancerBandwidth (the upper bound, refused before anything else) and
   * FSNamesystem.setBalancerBandwidth.
   */
  setBalancerBandwidth(bandwidth: number, caller: CallerInfo): void {
    if (bandwidth > MAX_BANDWIDTH_PER_DATANODE) {
      throw new HsecError('FS_INVALID_ARGUMENT', `Bandwidth should not exceed maximum limit ${MAX_BANDWIDTH_PER_DATANODE} bytes per second`, {
        bandwidth, exceptionClassName: 'java.lang.IllegalArgumentException',
      });
    }
    checkSuperuserPrivilege(this.#ns, caller, 'setBalancerBandwidth', null);
    this.#ns.datanodes.setBalancerBandwidth(bandwidth);
    this.#ns.audit(caller, 'setBalancerBandwidth', null);
  }

  /** FSNamesystem.listOpenFiles: the batch after inode id `prevId`. */
  listOpenFiles(prevId: number, types: readonly OpenFilesType[], path: string, caller: CallerInfo): OpenFilesBatch {
    if (!path.startsWith('/')) {
      throw new HsecError('FS_INVALID_ARGUMENT', `Absolute path required, but got '${path}'`, { path, exceptionClassName: 'java.lang.AssertionError' });
    }
    checkSuperuserPrivilege(this.#ns, caller, 'listOpenFiles', path);
    const normalized = javaPathToString(path);
    let batch: OpenFilesBatch;
    if (types.includes('ALL_OPEN_FILES')) batch = this.#underConstruction(prevId, normalized);
    else if (types.includes('BLOCKING_DECOMMISSION')) batch = { entries: [], hasMore: false };
    else throw new HsecError('FS_INVALID_ARGUMENT', `Unknown OpenFileType: [${types.join(', ')}]`, { exceptionClassName: 'java.lang.IllegalArgumentException' });
    this.#ns.audit(caller, 'listOpenFiles', null); // Hadoop audits the success without the path
    return batch;
  }

  /** LeaseManager.getUnderConstructionFiles. */
  #underConstruction(prevId: number, path: string): OpenFilesBatch {
    const ids: number[] = [];
    for (const holder of this.#ns.leases.holders()) for (const id of holder.files) if (id > prevId) ids.push(id);
    ids.sort((a, b) => a - b);
    const max = Math.min(this.#ns.settings.maxListOpenFilesResponses, ids.length);
    const entries: OpenFileEntry[] = [];
    let i = 0;
    while (i < ids.length && entries.length < max) {
      const file = this.#ns.fsd.inode(ids[i++]!);
      if (file?.kind !== 'file' || !file.uc) continue;
      const fullPath = file.path();
      if (isParentEntry(fullPath, path)) entries.push({ id: file.id, path: fullPath, clientName: file.uc.clientName, clientMachine: file.uc.clientMachine });
    }
    return { entries, hasMore: i < ids.length };
  }
}

/**
 * `new Path(path).toString()` for an absolute path without scheme, as FSNamesystem.listOpenFiles
 * normalizes its filter: Path.normalizePath turns each "//" into "/" (left to right, so "///"
 * leaves "//") and drops one trailing "/", then URI.normalize collapses the slashes left and
 * resolves "." and "x/.." segments ("/.." above the root stays).
 */
export function javaPathToString(path: string): string {
  let p = path.split('//').join('/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  const segments = p.split('/').filter((s) => s !== '');
  const out: string[] = [];
  let resolvedLast = false; // a final "." or resolved ".." leaves the slash before it
  for (const seg of segments) {
    resolvedLast = seg === '.' || (seg === '..' && out.length > 0 && out[out.length - 1] !== '..');
    if (seg === '..' && resolvedLast) out.pop();
    else if (seg !== '.') out.push(seg);
  }
  const joined = out.join('/');
  return `/${joined}${(resolvedLast || p.endsWith('/')) && joined !== '' ? '/' : ''}`;
}
