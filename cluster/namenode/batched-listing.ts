/**
 * ClientProtocol.getBatchedListing as Hadoop 3.4.1's FSNamesystem.getBatchedListing answers it
 * (DistributedFileSystem.batchedListStatusIterator / batchedListLocatedStatusIterator): one page of
 * several paths' listings, each path listed as getListing lists it (namesystem.listingInt), in order:
 *  - more paths than dfs.batched.ls.limit: IllegalArgumentException "Too many source paths (N > L)",
 *    before anything else;
 *  - `startAfter` empty: start with the first path; else it is the opaque key a previous answer
 *    returned (BatchedListingKeyProto): the MD5 of the paths' UTF-8 bytes, which must match these
 *    paths (Preconditions.checkArgument: an IllegalArgumentException without a message), the
 *    index of the path to go on with and the name to list after in it; an empty name means that
 *    path was a file (or failed) and is done, so listing goes on with the next one. A key that does
 *    not parse is protobuf's InvalidProtocolBufferException;
 *  - a path that fails is not a failed call: its entry carries the exception (RemoteExceptionProto,
 *    the Java class's canonical name and the message): FileNotFoundException "Path /p does not
 *    exist", an AccessControlException (also audited as refused), ...;
 *  - the page ends once dfs.ls.limit entries are in it (checked after each path, so a page may hold
 *    more), or with the last path. hasMore is false when every path is done (also when the last path
 *    ended exactly at the limit with nothing left); else the key names the path where it stopped and
 *    its last name listed;
 *  - audited as "listStatus" (allowed) once per path from the first one listed up to, not including,
 *    the path where the loop stopped at the limit (Hadoop's loop breaks before its index moves on, so
 *    that path is audited with the next page), failed paths included.
 */
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import { AccessControlError, HsecError } from '../../lib/errors/index.ts';
import { getLogger } from '../../lib/log/logger.ts';
import { errorToRemote } from '../../lib/rpc/remote-exception.ts';
import type { BatchedDirectoryListing } from '../protocol/client-protocol.ts';
import { encodeProto } from '../protocol/hdfs-proto.ts';
import type { DirectoryListing } from '../protocol/hdfs-types.ts';
import { fileNotFound, fsError, HadoopException } from './namespace/fs-errors.ts';
import type { CallerInfo, FsNamesystem } from './namesystem.ts';

const log = getLogger('namenode.namesystem');
const EMPTY: Uint8Array = new Uint8Array(0);

export interface BatchedListingResult {
  listings: BatchedDirectoryListing[];
  hasMore: boolean;
  startAfter: Uint8Array;
}

/** BatchedListingKeyProto. */
export interface BatchedListingKey {
  checksum: Uint8Array;
  pathIndex: number;
  startAfter: Uint8Array;
}

export class BatchedListing {
  readonly #ns: FsNamesystem;

  constructor(ns: FsNamesystem) {
    this.#ns = ns;
  }

  /** FSNamesystem.getBatchedListing. */
  getBatchedListing(srcs: readonly string[], startAfter: Uint8Array, needLocation: boolean, caller: CallerInfo): BatchedListingResult {
    const ns = this.#ns;
    const limit = ns.settings.batchedListingLimit;
    if (srcs.length > limit) throw fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, `Too many source paths (${srcs.length} > ${limit})`, {});
    let srcsIndex = 0;
    let indexStartAfter = EMPTY;
    if (startAfter.length > 0) {
      const key = decodeBatchedListingKey(startAfter);
      // Preconditions.checkArgument(boolean): no message; Hadoop's reply then starts with the class name
      if (!Buffer.from(key.checksum).equals(srcPathsHash(srcs))) {
        throw fsError('FS_INVALID_ARGUMENT', HadoopException.JAVA_ILLEGAL_ARGUMENT, HadoopException.JAVA_ILLEGAL_ARGUMENT, { reason: 'startAfter was issued for other paths' });
      }
      srcsIndex = key.pathIndex;
      indexStartAfter = key.startAfter;
      if (indexStartAfter.length === 0) srcsIndex++;
    }
    const startSrcsIndex = srcsIndex;
    const pc = ns.checker(caller);
    const listings: BatchedDirectoryListing[] = [];
    let lastListing: DirectoryListing | undefined;
    let numEntries = 0;
    for (; srcsIndex < srcs.length; srcsIndex++) {
      const src = srcs[srcsIndex]!;
      try {
        const dl = ns.listingInt(pc, src, indexStartAfter, needLocation);
        if (!dl) throw fileNotFound(`Path ${src} does not exist`, src);
        const entries = dl.partialListing ?? [];
        listings.push({ partialListing: entries, parentIdx: srcsIndex });
        numEntries += entries.length;
        lastListing = dl;
      } catch (e) {
        if (e instanceof AccessControlError) ns.auditDenied(caller, 'listStatus', src);
        listings.push({ parentIdx: srcsIndex, exception: remoteException(e) });
        lastListing = undefined;
        log.info({ src, err: (e as Error).message }, `Exception listing src ${src}`);
      }
      indexStartAfter = EMPTY;
      if (numEntries >= ns.settings.lsLimit) break;
    }
    let result: BatchedListingResult;
    if (srcsIndex >= srcs.length || (srcsIndex === srcs.length - 1 && lastListing && lastListing.remainingEntries === 0)) {
      result = { listings, hasMore: false, startAfter: EMPTY };
    } else {
      const last = lastListing?.partialListing?.at(-1)?.path ?? EMPTY;
      result = { listings, hasMore: true, startAfter: encodeBatchedListingKey({ checksum: srcPathsHash(srcs), pathIndex: srcsIndex, startAfter: last }) };
    }
    for (let i = startSrcsIndex; i < srcsIndex; i++) ns.audit(caller, 'listStatus', srcs[i]!);
    return result;
  }
}

/** FSNamesystem.getSrcPathsHash: MD5 over each path's UTF-8 bytes in turn. */
export function srcPathsHash(srcs: readonly string[]): Buffer {
  const md5 = createHash('md5');
  for (const src of srcs) md5.update(src, 'utf8');
  return md5.digest();
}

export function encodeBatchedListingKey(key: BatchedListingKey): Uint8Array {
  return encodeProto('hadoop.hdfs.BatchedListingKeyProto', key);
}

/**
 * BatchedListingKeyProto.parseFrom as protobuf-java does it: fields of another wire type or number
 * are skipped as unknown; a truncated field, or a missing required one, is
 * InvalidProtocolBufferException with protobuf-java's text.
 */
export function decodeBatchedListingKey(bytes: Uint8Array): BatchedListingKey {
  const reader = protobuf.Reader.create(bytes);
  const key: Partial<BatchedListingKey> = {};
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 1 && wireType === 2) key.checksum = reader.bytes();
      else if (field === 2 && wireType === 0) key.pathIndex = reader.uint32();
      else if (field === 3 && wireType === 2) key.startAfter = reader.bytes();
      else if (field === 0) throw invalidProtocolBuffer('Protocol message contained an invalid tag (zero).');
      else reader.skipType(wireType);
    }
  } catch (e) {
    if (e instanceof HsecError) throw e;
    // protobufjs: a RangeError past the end; an Error for wire types 6 and 7
    throw invalidProtocolBuffer(e instanceof RangeError
      ? 'While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either '
        + 'that the input has been truncated or that an embedded message misreported its own length.'
      : 'Protocol message tag had invalid wire type.');
  }
  const missing = (['checksum', 'pathIndex', 'startAfter'] as const).filter((f) => key[f] === undefined);
  if (missing.length > 0) throw invalidProtocolBuffer(`Message missing required fields: ${missing.join(', ')}`);
  return { checksum: new Uint8Array(key.checksum!), pathIndex: key.pathIndex!, startAfter: new Uint8Array(key.startAfter!) };
}

function invalidProtocolBuffer(message: string): Error {
  return fsError('FS_INVALID_ARGUMENT', HadoopException.INVALID_PROTOCOL_BUFFER, message);
}

/** new RemoteException(e.getClass().getCanonicalName(), e.getMessage()): a nested class's name joins with '.'. */
function remoteException(e: unknown): { className: string; message: string } {
  const { exceptionClassName, errorMsg } = errorToRemote(e);
  return { className: exceptionClassName.replace(/\$/g, '.'), message: errorMsg };
}
