/**
 * Replicas and where their files live, after Hadoop's FsDatasetImpl / BlockPoolSlice layout
 * (hadoop-hdfs server/datanode/fsdataset/impl, DatanodeUtil.idToBlockDir):
 *
 *   <dir>/current/<bpid>/current/finalized/subdir<d1>/subdir<d2>/blk_<id>          the bytes
 *   <dir>/current/<bpid>/current/finalized/subdir<d1>/subdir<d2>/blk_<id>_<gs>.meta checksums
 *   <dir>/current/<bpid>/current/rbw/blk_<id>, blk_<id>_<gs>.meta                   being written
 *
 * with d1 = bits 16-20 and d2 = bits 8-12 of the block id. A replica is FINALIZED (complete,
 * readable, reported), RBW (being written by a pipeline: readable up to the bytes acknowledged) or
 * RWR (an RBW found at start-up: its writer is gone, it waits for recovery; reported, not served) or
 * RUR (under block recovery: replica-recovery.ts; reported, not served).
 * The typed errors of replica lookups are here too (ReplicaNotFoundException,
 * ReplicaAlreadyExistsException, and the IOExceptions of FsDatasetImpl.append).
 */
import { join } from 'node:path';
import { HsecError, type ErrorDetails } from '../../../lib/errors/index.ts';
import type { ChecksumSpec } from '../../protocol/datatransfer/messages.ts';
import type { ReplicaStateName } from '../../protocol/block-list-as-longs.ts';
import { checksumLength } from '../../protocol/datatransfer/checksum.ts';
import { METADATA_HEADER_SIZE } from './block-metadata-header.ts';

export type ReplicaState = Extract<ReplicaStateName, 'FINALIZED' | 'RBW' | 'RWR' | 'RUR'>;

export interface Replica {
  readonly blockId: number;
  readonly genStamp: number;
  /** Bytes readable: all of a finalized replica, the acknowledged bytes of one being written. */
  numBytes: number;
  state: ReplicaState;
  blockFile: string;
  metaFile: string;
  /** The checksum of the meta file (its header). */
  readonly checksum: ChecksumSpec;
  /**
   * RBW only: the bytes acknowledged upstream (ReplicaInPipeline.getBytesAcked), which pipeline
   * recovery keeps (recoverRbw cuts the replica back to them); undefined counts as numBytes.
   */
  bytesAcked?: number;
  /** RUR only: the recovery under way (its id) and the state the replica had before it (ReplicaUnderRecovery). */
  recovery?: { recoveryId: number; originalState: Exclude<ReplicaState, 'RUR'> };
}

/** ReplicaInfo.getBytesAcked for an RBW replica (numBytes when not tracked). */
export function bytesAcked(r: Replica): number {
  return r.bytesAcked ?? r.numBytes;
}

/**
 * ReplicaInfo.toString (with LocalReplicaInPipeline's bytesAcked / bytesOnDisk for RBW), as
 * FsDatasetImpl's messages print a replica; `volume` is the storage directory.
 */
export function describeReplica(r: Replica, volume: string): string {
  const kind = { FINALIZED: 'FinalizedReplica', RBW: 'ReplicaBeingWritten', RWR: 'ReplicaWaitingToBeRecovered', RUR: 'ReplicaUnderRecovery' }[r.state];
  const visible = r.state === 'RBW' ? bytesAcked(r) : r.state === 'FINALIZED' ? r.numBytes : -1;
  const text = `${kind}, blk_${r.blockId}_${r.genStamp}, ${r.state}\n  getNumBytes()     = ${r.numBytes}\n  getBytesOnDisk()  = ${r.numBytes}\n  getVisibleLength()= ${visible}\n  getVolume()       = ${volume}\n  getBlockURI()     = file:${r.blockFile}`;
  return r.state === 'RBW' ? `${text}\n  bytesAcked=${bytesAcked(r)}\n  bytesOnDisk=${r.numBytes}` : text;
}

/** ENOENT, from the fs call or inside the FileError made of it. */
function isGone(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e instanceof HsecError && e.details['osError'] === 'ENOENT');
}

/**
 * Runs `use` on the path the replica names for one of its files; when that path is gone because
 * the replica was moved meanwhile (finalized: fs-dataset.ts links the files at their new paths and
 * names them before it removes the old ones), runs it again on the path the replica names now. A
 * file that is gone without a move is the error `use` threw.
 */
export async function atReplicaPath<T>(replica: Pick<Replica, 'blockFile' | 'metaFile'>, file: 'blockFile' | 'metaFile', use: (path: string) => Promise<T>): Promise<T> {
  for (let moves = 0; ; moves++) {
    const path = replica[file];
    try {
      return await use(path);
    } catch (e) {
      if (!isGone(e) || replica[file] === path || moves >= 3) throw e;
    }
  }
}

/** Meta file size for `numBytes` of data: header + one checksum per chunk. */
export function metaFileLength(r: Pick<Replica, 'checksum' | 'numBytes'>): number {
  return METADATA_HEADER_SIZE + checksumLength(r.checksum, r.numBytes);
}

/** The directories of one block pool in a storage directory. */
export class BlockPoolLayout {
  readonly current: string;
  readonly finalized: string;
  readonly rbw: string;
  readonly versionFile: string;

  constructor(dataDir: string, blockPoolId: string) {
    this.current = join(dataDir, 'current', blockPoolId, 'current');
    this.finalized = join(this.current, 'finalized');
    this.rbw = join(this.current, 'rbw');
    this.versionFile = join(this.current, 'VERSION');
  }

  /** DatanodeUtil.idToBlockDir. */
  finalizedDir(blockId: number): string {
    return join(this.finalized, `subdir${(blockId >> 16) & 0x1f}`, `subdir${(blockId >> 8) & 0x1f}`);
  }
}

export function blockFileName(blockId: number): string {
  return `blk_${blockId}`;
}

export function metaFileName(blockId: number, genStamp: number): string {
  return `blk_${blockId}_${genStamp}.meta`;
}

export const BLOCK_FILE_PATTERN = /^blk_(\d+)$/;
export const META_FILE_PATTERN = /^blk_(\d+)_(\d+)\.meta$/;

/** A replica lookup or creation failed (Hadoop's ReplicaNotFoundException / ReplicaAlreadyExistsException). */
export class ReplicaError extends HsecError {
  constructor(code: 'REPLICA_NOT_FOUND' | 'REPLICA_ALREADY_EXISTS' | 'REPLICA_CORRUPT' | 'REPLICA_GENERATION_STAMP' | 'REPLICA_RECOVERY', message: string, details: ErrorDetails = {}) {
    super(code, message, details);
  }
}
