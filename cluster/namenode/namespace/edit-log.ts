/**
 * The namespace's durable records (pure codec, no I/O), in the framing of lib/journal/frame.ts:
 * journals `HSEC-NSJ`, snapshots `HSEC-NSS`. Hadoop keeps the same facts in its edit log and fsimage
 * (FSEditLogOp OP_MKDIR, OP_ADD, OP_ADD_BLOCK, OP_UPDATE_BLOCKS, OP_CLOSE, OP_DELETE, OP_RENAME_OLD /
 * OP_RENAME, OP_TIMES, OP_SET_GENSTAMP_V2; FSImageFormatPBINode); this layout is hsec's own.
 *
 * A journal record is one transaction: the edit ops of one client call (a mkdirs with its parents,
 * a create with its parents), applied together or not at all. Ops carry every value they set (inode
 * and block ids, times, owner and group), so replaying them rebuilds exactly the state they made.
 * A snapshot holds the identity and counters, every inode parent-first, and an end record with the
 * inode count. Payload fields use Java DataOutput primitives: vlong numbers, Text strings.
 */
import { DataInput, DataOutput } from '../../../lib/codec/index.ts';
import { ProtocolError } from '../../../lib/errors/index.ts';
import { frame } from '../../../lib/journal/frame.ts';
import type { JournalMagic, PayloadVisitor } from '../../../lib/journal/frame.ts';

export const NAMESPACE_MAGIC: JournalMagic = { journal: 'HSEC-NSJ', snapshot: 'HSEC-NSS' };

/** A block as an op records it. */
export interface BlockRecord {
  blockId: number;
  generationStamp: number;
  numBytes: number;
}

export interface PermissionRecord {
  owner: string;
  group: string;
  mode: number;
}

export type EditOp =
  | { op: 'MKDIR'; id: number; path: string; perm: PermissionRecord; mtime: number }
  | {
    op: 'ADD_FILE'; id: number; path: string; perm: PermissionRecord; mtime: number; replication: number; blockSize: number;
    clientName: string; clientMachine: string; overwrite: boolean;
  }
  /** `previous` = the last block's committed length and stamp; `block` = the new under-construction block */
  | { op: 'ADD_BLOCK'; fileId: number; previous?: BlockRecord; block: BlockRecord }
  | { op: 'ABANDON_BLOCK'; fileId: number; blockId: number }
  /** the length or stamp of an under-construction block (fsync, pipeline update) */
  | { op: 'UPDATE_BLOCK'; fileId: number; block: BlockRecord }
  /** the file is closed with exactly these blocks (complete, lease recovery) */
  | { op: 'CLOSE'; fileId: number; mtime: number; atime: number; blocks: BlockRecord[] }
  | { op: 'DELETE'; path: string; mtime: number }
  /** `dst` is the final path; with `overwrite` an existing dst is deleted first */
  | { op: 'RENAME'; src: string; dst: string; mtime: number; overwrite: boolean }
  /** -1 = unchanged */
  | { op: 'TIMES'; path: string; mtime: number; atime: number }
  | { op: 'GENSTAMP'; generationStamp: number };

export type EditOpName = EditOp['op'];

const OP_CODES: Record<EditOpName, number> = {
  MKDIR: 1, ADD_FILE: 2, ADD_BLOCK: 3, ABANDON_BLOCK: 4, UPDATE_BLOCK: 5, CLOSE: 6, DELETE: 7, RENAME: 8, TIMES: 9, GENSTAMP: 10,
};
const OP_NAMES = new Map(Object.entries(OP_CODES).map(([k, v]) => [v, k as EditOpName]));

/** Record types (the first payload byte). */
export const NsRecord = { TRANSACTION: 1, IDENTITY: 2, INODE: 3, SNAPSHOT_END: 4 } as const;

/** Who this namespace is (Hadoop's VERSION file / NamespaceInfo) and its id counters. */
export interface NamespaceIdentity {
  namespaceId: number;
  clusterId: string;
  blockPoolId: string;
  /** ms; Hadoop's cTime (0 for a namespace never upgraded) */
  cTime: number;
}

export interface NamespaceCounters {
  lastInodeId: number;
  lastBlockId: number;
  generationStamp: number;
}

/** An inode as a snapshot stores it (parents before children). */
export interface InodeRecord {
  kind: 'directory' | 'file';
  id: number;
  parentId: number;
  name: string;
  perm: PermissionRecord;
  mtime: number;
  atime: number;
  replication?: number;
  blockSize?: number;
  blocks?: BlockRecord[];
  /** set for a file open for writing */
  uc?: { clientName: string; clientMachine: string };
}

export interface SnapshotVisitor {
  identity(id: NamespaceIdentity, counters: NamespaceCounters): void;
  inode(record: InodeRecord): void;
  end(inodes: number): void;
}

const MAX_STRING = 64 * 1024;
const MAX_BLOCKS = 16 * 1024 * 1024;

function writePerm(out: DataOutput, p: PermissionRecord): void {
  out.writeText(p.owner).writeText(p.group).writeVInt(p.mode);
}

function readPerm(input: DataInput): PermissionRecord {
  return { owner: input.readText(MAX_STRING, 'owner'), group: input.readText(MAX_STRING, 'group'), mode: input.readVInt() };
}

function writeBlock(out: DataOutput, b: BlockRecord): void {
  out.writeVLong(b.blockId).writeVLong(b.generationStamp).writeVLong(b.numBytes);
}

function readBlock(input: DataInput): BlockRecord {
  return { blockId: input.readVLong(), generationStamp: input.readVLong(), numBytes: input.readVLong() };
}

function writeBlocks(out: DataOutput, blocks: readonly BlockRecord[]): void {
  out.writeVInt(blocks.length);
  for (const b of blocks) writeBlock(out, b);
}

function readBlocks(input: DataInput): BlockRecord[] {
  return Array.from({ length: input.readVIntInRange(0, MAX_BLOCKS, 'block count') }, () => readBlock(input));
}

function writeOp(out: DataOutput, op: EditOp): void {
  out.writeByte(OP_CODES[op.op]);
  switch (op.op) {
    case 'MKDIR':
      out.writeVLong(op.id).writeText(op.path);
      writePerm(out, op.perm);
      out.writeVLong(op.mtime);
      return;
    case 'ADD_FILE':
      out.writeVLong(op.id).writeText(op.path);
      writePerm(out, op.perm);
      out.writeVLong(op.mtime).writeVInt(op.replication).writeVLong(op.blockSize).writeText(op.clientName).writeText(op.clientMachine).writeBoolean(op.overwrite);
      return;
    case 'ADD_BLOCK':
      out.writeVLong(op.fileId).writeBoolean(op.previous !== undefined);
      if (op.previous) writeBlock(out, op.previous);
      writeBlock(out, op.block);
      return;
    case 'ABANDON_BLOCK':
      out.writeVLong(op.fileId).writeVLong(op.blockId);
      return;
    case 'UPDATE_BLOCK':
      out.writeVLong(op.fileId);
      writeBlock(out, op.block);
      return;
    case 'CLOSE':
      out.writeVLong(op.fileId).writeVLong(op.mtime).writeVLong(op.atime);
      writeBlocks(out, op.blocks);
      return;
    case 'DELETE':
      out.writeText(op.path).writeVLong(op.mtime);
      return;
    case 'RENAME':
      out.writeText(op.src).writeText(op.dst).writeVLong(op.mtime).writeBoolean(op.overwrite);
      return;
    case 'TIMES':
      out.writeText(op.path).writeVLong(op.mtime).writeVLong(op.atime);
      return;
    case 'GENSTAMP':
      out.writeVLong(op.generationStamp);
  }
}

function readOp(input: DataInput): EditOp {
  const code = input.readUnsignedByte();
  const name = OP_NAMES.get(code);
  const text = (what: string) => input.readText(MAX_STRING, what);
  switch (name) {
    case 'MKDIR':
      return { op: name, id: input.readVLong(), path: text('path'), perm: readPerm(input), mtime: input.readVLong() };
    case 'ADD_FILE':
      return {
        op: name, id: input.readVLong(), path: text('path'), perm: readPerm(input), mtime: input.readVLong(), replication: input.readVInt(),
        blockSize: input.readVLong(), clientName: text('clientName'), clientMachine: text('clientMachine'), overwrite: input.readBoolean(),
      };
    case 'ADD_BLOCK': {
      const fileId = input.readVLong();
      const previous = input.readBoolean() ? readBlock(input) : undefined;
      return { op: name, fileId, ...(previous ? { previous } : {}), block: readBlock(input) };
    }
    case 'ABANDON_BLOCK':
      return { op: name, fileId: input.readVLong(), blockId: input.readVLong() };
    case 'UPDATE_BLOCK':
      return { op: name, fileId: input.readVLong(), block: readBlock(input) };
    case 'CLOSE':
      return { op: name, fileId: input.readVLong(), mtime: input.readVLong(), atime: input.readVLong(), blocks: readBlocks(input) };
    case 'DELETE':
      return { op: name, path: text('path'), mtime: input.readVLong() };
    case 'RENAME':
      return { op: name, src: text('src'), dst: text('dst'), mtime: input.readVLong(), overwrite: input.readBoolean() };
    case 'TIMES':
      return { op: name, path: text('path'), mtime: input.readVLong(), atime: input.readVLong() };
    case 'GENSTAMP':
      return { op: name, generationStamp: input.readVLong() };
    default:
      throw new Error(`unknown edit op ${code}`);
  }
}

/** One journal record: the ops of one call, applied together. */
export function transactionRecord(ops: readonly EditOp[]): Buffer {
  const out = new DataOutput(64).writeByte(NsRecord.TRANSACTION).writeVInt(ops.length);
  for (const op of ops) writeOp(out, op);
  return payloadFrame(out);
}

export function identityRecord(id: NamespaceIdentity, c: NamespaceCounters): Buffer {
  const out = new DataOutput(96).writeByte(NsRecord.IDENTITY)
    .writeInt(id.namespaceId).writeText(id.clusterId).writeText(id.blockPoolId).writeVLong(id.cTime)
    .writeVLong(c.lastInodeId).writeVLong(c.lastBlockId).writeVLong(c.generationStamp);
  return payloadFrame(out);
}

export function inodeRecord(r: InodeRecord): Buffer {
  const out = new DataOutput(64).writeByte(NsRecord.INODE).writeBoolean(r.kind === 'file')
    .writeVLong(r.id).writeVLong(r.parentId).writeText(r.name);
  writePerm(out, r.perm);
  out.writeVLong(r.mtime).writeVLong(r.atime);
  if (r.kind === 'file') {
    out.writeVInt(r.replication ?? 0).writeVLong(r.blockSize ?? 0);
    writeBlocks(out, r.blocks ?? []);
    out.writeBoolean(r.uc !== undefined);
    if (r.uc) out.writeText(r.uc.clientName).writeText(r.uc.clientMachine);
  }
  return payloadFrame(out);
}

export function snapshotEndRecord(inodes: number): Buffer {
  return payloadFrame(new DataOutput(8).writeByte(NsRecord.SNAPSHOT_END).writeVLong(inodes));
}

function payloadFrame(out: DataOutput): Buffer {
  const bytes = out.toBytes();
  return frame(bytes.length, (b, at) => b.set(bytes, at));
}

function readInode(input: DataInput): InodeRecord {
  const isFile = input.readBoolean();
  const base = { id: input.readVLong(), parentId: input.readVLong(), name: input.readText(MAX_STRING, 'name'), perm: readPerm(input), mtime: input.readVLong(), atime: input.readVLong() };
  if (!isFile) return { kind: 'directory', ...base };
  const replication = input.readVInt();
  const blockSize = input.readVLong();
  const blocks = readBlocks(input);
  const uc = input.readBoolean() ? { clientName: input.readText(MAX_STRING, 'clientName'), clientMachine: input.readText(MAX_STRING, 'clientMachine') } : undefined;
  return { kind: 'file', ...base, replication, blockSize, blocks, ...(uc ? { uc } : {}) };
}

/** Decodes journal payloads: each transaction's ops go to `onTransaction`. */
export function journalPayloads(onTransaction: (ops: EditOp[]) => void): PayloadVisitor {
  return (_b, bytes, at, end, frameAt) => {
    const ops = guarded(() => {
      const input = new DataInput(bytes.subarray(at, end));
      const type = input.readUnsignedByte();
      if (type !== NsRecord.TRANSACTION) throw new Error(`record type ${type} in a journal`);
      const list = Array.from({ length: input.readVIntInRange(1, 1_000_000, 'op count') }, () => readOp(input));
      input.expectEnd('namespace transaction');
      return list;
    }, frameAt);
    onTransaction(ops);
  };
}

/** Decodes snapshot payloads into `visitor`. */
export function snapshotPayloads(visitor: SnapshotVisitor): PayloadVisitor {
  return (_b, bytes, at, end, frameAt) => {
    guarded(() => {
      const input = new DataInput(bytes.subarray(at, end));
      const type = input.readUnsignedByte();
      if (type === NsRecord.IDENTITY) {
        const id = { namespaceId: input.readInt(), clusterId: input.readText(MAX_STRING, 'clusterId'), blockPoolId: input.readText(MAX_STRING, 'blockPoolId'), cTime: input.readVLong() };
        visitor.identity(id, { lastInodeId: input.readVLong(), lastBlockId: input.readVLong(), generationStamp: input.readVLong() });
      } else if (type === NsRecord.INODE) {
        visitor.inode(readInode(input));
      } else if (type === NsRecord.SNAPSHOT_END) {
        visitor.end(input.readVLong());
      } else {
        throw new Error(`unexpected record type ${type} in a snapshot`);
      }
      input.expectEnd('namespace snapshot record');
    }, frameAt);
  };
}

function guarded<T>(fn: () => T, frameAt: number): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError && typeof e.details['offset'] === 'number') throw e;
    throw malformed((e as Error).message, frameAt, e);
  }
}

function malformed(what: string, offset: number, cause?: unknown): ProtocolError {
  return new ProtocolError('PROTOCOL_MALFORMED', what, { offset }, { cause });
}
