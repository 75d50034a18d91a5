/**
 * ClientProtocol.listCorruptFileBlocks (`hdfs fsck / -list-corruptfileblocks`,
 * DistributedFileSystem.listCorruptFileBlocks) as Hadoop 3.4.1's NameNodeRpcServer /
 * FSNamesystem.listCorruptFileBlocks answers it: the superuser check first (checkSuperuserPrivilege
 * with the path: "Access denied for user U. Superuser privilege is required", audited as refused;
 * anyone with dfs.permissions.enabled false), then the files of the blocks Hadoop queues as
 * corrupt: blocks with no usable replica: the complete blocks no live DataNode holds a finalized
 * replica of that is not in the corrupt replicas map (BlockManager.missingBlocks, the "missing
 * blocks" of `dfsadmin -report`). Not audited when
 * allowed, as in Hadoop.
 *
 * Paging follows Hadoop's cookie: the number of queued blocks already walked. With no such block
 * at all the answer is empty and the cookie is "0" when none was sent, else the one sent, untouched;
 * otherwise the walk skips `cookie` blocks (an unparsable or negative cookie is 0), then takes each
 * block whose file is `path` or under it (DFSUtil.isParentEntry on the strings), one entry per
 * block (a file with two such blocks is listed twice), up to
 * dfs.namenode.max-corrupt-file-blocks-returned, and answers the new count of blocks walked. While
 * the start-up safe mode still waits for its block threshold, the replication queues are not
 * populated and a call with missing blocks is refused ("Cannot run listCorruptFileBlocks because
 * replication queues have not been initialized.").
 */
import type { CorruptFileBlocks } from '../protocol/client-protocol.ts';
import { checkSuperuserPrivilege } from './cluster-status.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';
import { isParentEntry } from './namespace/paths.ts';
import { ioError } from './namespace/fs-errors.ts';

export class CorruptFiles {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.listCorruptFileBlocks with NameNodeRpcServer's paths and cookie. */
  listCorruptFileBlocks(path: string, cookie: string | undefined, caller: CallerInfo): Required<CorruptFileBlocks> {
    const ns = this.#ns;
    checkSuperuserPrivilege(ns, caller, 'listCorruptFileBlocks', path);
    const queue = [...ns.blocks.missingBlocks()];
    if (queue.length === 0) return { files: [], cookie: cookie ?? String(intCookie(cookie)) };
    if (!ns.replicationQueuesInitialized()) {
      throw ioError('FS_SAFE_MODE', 'Cannot run listCorruptFileBlocks because replication queues have not been initialized.');
    }
    const max = ns.settings.maxCorruptFileBlocksReturned;
    const files: string[] = [];
    let skip = intCookie(cookie);
    for (let i = skip; i < queue.length; i++) {
      const file = queue[i]!.file;
      skip++;
      if (!file || ns.fsd.inode(file.id) !== file) continue; // getBlockCollection: no longer in the namespace
      const src = file.path();
      if (!isParentEntry(src, path)) continue;
      files.push(src);
      if (files.length >= max) break;
    }
    return { files, cookie: String(skip) };
  }
}

/** FSNamesystem.getIntCookie: Integer.parseInt, 0 when absent or unparsable, never below 0. */
export function intCookie(cookie: string | undefined): number {
  if (cookie === undefined || !/^[-+]?\d+$/.test(cookie)) return 0;
  const n = Number(cookie);
  if (n > 2_147_483_647 || n < -2_147_483_648) return 0;
  return Math.max(0, n);
}
