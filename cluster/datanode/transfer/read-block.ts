/**
 * READ_BLOCK (docs/datanode.md; Hadoop's DataXceiver.readBlock and BlockSender):
 *
 *   1. the block token must grant READ on the block (checkAccess);
 *   2. the replica must exist (finalized, or being written: up to the bytes acknowledged), with a
 *      generation stamp no older than the one asked for, and [offset, offset + len) must lie in
 *      it; otherwise {ERROR, "opReadBlock <block> received exception ..."};
 *   3. {SUCCESS, readOpChecksumInfo{checksum, chunkOffset}}: the meta file's checksum (NULL/512
 *      when the client asked for no checksums) and the offset rounded down to a chunk boundary;
 *   4. data packets, seqno 0, 1, ..., covering [chunkOffset, end) where end is offset + len
 *      rounded up to a chunk boundary (at most the replica length), with the stored checksums of
 *      their chunks; 64 KiB of data per packet (BlockSender's size for a plain socket; a client
 *      takes any size up to 16 MiB);
 *   5. the empty last packet (offset = end, lastPacketInBlock);
 *   6. the client's ClientReadStatusProto: the connection stays usable for another op only when it
 *      arrives (Hadoop closes otherwise).
 */
import { HsecError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { decodeClientReadStatus, type ChecksumSpec, type OpReadBlock } from '../../protocol/datatransfer/messages.ts';
import { tryReadDelimited } from '../../protocol/datatransfer/op-frame.ts';
import { blockName } from '../block-access.ts';
import { ReplicaError, type Replica } from '../storage/replica.ts';
import { ReplicaReader } from '../storage/replica-reader.ts';
import { sendBlockPackets } from './block-sender.ts';
import type { Xceiver } from './xceiver.ts';

const log = getLogger('datanode.read');

/** BlockSender without checksums: NULL, aligned on 512-byte chunks. */
const NO_CHECKSUM: ChecksumSpec = { type: 'CHECKSUM_NULL', bytesPerChecksum: 512 };

interface ReadPlan {
  replica: Replica;
  checksum: ChecksumSpec;
  chunkOffset: number;
  endOffset: number;
}

/** Serves one read; resolves true when the connection can carry another op. */
export async function readBlock(x: Xceiver, op: OpReadBlock): Promise<boolean> {
  const { block, token } = op.header.baseHeader;
  const name = blockName(block);
  await x.checkAccess('READ_BLOCK', block, token, 'READ', true);
  const sendChecksums = op.sendChecksums !== false;
  let plan: ReadPlan;
  let reader: ReplicaReader;
  try {
    plan = planRead(x, op, name, sendChecksums);
    reader = await ReplicaReader.open(plan.replica);
  } catch (e) {
    const message = `opReadBlock ${name} received exception ${(e as Error).message}`;
    log.info({ remoteAddress: x.remoteAddress, block: name }, message);
    await x.reply({ status: 'ERROR', message }).catch(() => undefined);
    throw e;
  }
  try {
    await x.reply({ status: 'SUCCESS', readOpChecksumInfo: { checksum: plan.checksum, chunkOffset: plan.chunkOffset } });
    await sendBlockPackets(x.output, reader, plan.checksum, plan.chunkOffset, plan.endOffset, sendChecksums);
  } finally {
    await reader.close();
  }
  try {
    const status = decodeClientReadStatus(await x.input.next((q) => tryReadDelimited(q, 1024, 'ClientReadStatusProto'), 'the client read status', x.settings.socketTimeoutMs));
    log.debug({ remoteAddress: x.remoteAddress, block: name, status, bytes: plan.endOffset - plan.chunkOffset }, 'Served block');
    return true;
  } catch (e) {
    log.debug({ remoteAddress: x.remoteAddress, block: name, err: e }, 'Error reading client status response. Will close connection.');
    return false;
  }
}

/** BlockSender's constructor checks. */
function planRead(x: Xceiver, op: OpReadBlock, name: string, sendChecksums: boolean): ReadPlan {
  const { block } = op.header.baseHeader;
  const replica = x.services.dataset.getReplica(block.poolId, block.blockId);
  if (!replica || replica.state === 'RWR' || replica.state === 'RUR') throw new ReplicaError('REPLICA_NOT_FOUND', `Replica not found for ${name}`, { blockId: block.blockId });
  if (replica.genStamp < block.generationStamp) {
    throw new ReplicaError('REPLICA_NOT_FOUND', `Replica gen stamp < block genstamp, block=${name}, replica=blk_${replica.blockId}_${replica.genStamp}`, { blockId: block.blockId });
  }
  const end = replica.numBytes;
  const { offset, len } = op;
  if (offset < 0 || len < 0 || offset > end || offset + len > end) {
    throw new HsecError('PROTOCOL_MALFORMED', ` Offset ${offset} and length ${len} don't match block ${name} ( blockLen ${end} )`, { offset, len, blockLength: end });
  }
  const checksum = sendChecksums ? replica.checksum : NO_CHECKSUM;
  const bpc = checksum.bytesPerChecksum;
  const chunkOffset = offset - (offset % bpc);
  let endOffset = offset + len;
  if (endOffset % bpc !== 0) endOffset += bpc - (endOffset % bpc);
  return { replica, checksum, chunkOffset, endOffset: Math.min(endOffset, end) };
}
