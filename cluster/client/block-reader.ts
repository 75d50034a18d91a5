/**
 * Reading a range of one block from a DataNode (Hadoop's BlockReaderRemote): READ_BLOCK with the
 * block token, the BlockOpResponse (status, the checksum and the chunk-aligned start offset), then
 * packets whose CRC chunks are verified before their bytes are handed on, the bytes before the
 * requested offset dropped, and at the end the client's read status (CHECKSUM_OK) as a stock client
 * sends it. A refused block token is InvalidBlockTokenError (the caller fetches new locations and
 * tries once more); other failures are typed and name the DataNode, so the caller can try the next
 * replica.
 */
import { ProtocolError } from '../../lib/errors/index.ts';
import { InvalidBlockTokenError } from '../../security/datatransfer/errors.ts';
import { verifyChecksums } from '../protocol/datatransfer/checksum.ts';
import { decodeBlockOpResponse, encodeClientReadStatus, encodeOpReadBlock, type BlockOpResponse } from '../protocol/datatransfer/messages.ts';
import { encodeDelimited, tryReadDelimited } from '../protocol/datatransfer/op-frame.ts';
import { tryReadPacket } from '../protocol/datatransfer/packet.ts';
import type { DatanodeInfo, LocatedBlock } from '../protocol/hdfs-types.ts';
import type { DataNodeChannels } from './datanode-channel.ts';

/** The BlockOpResponse of an op, as typed errors when it is not SUCCESS (DataTransferProtoUtil.checkBlockOpStatus). */
export function checkOpResponse(r: BlockOpResponse, op: string, peer: string, blockId: number): void {
  if (r.status === 'SUCCESS') return;
  const what = `${op} of block ${blockId} refused by DataNode ${peer}: ${r.status}${r.message ? ` (${r.message})` : ''}`;
  if (r.status === 'ERROR_ACCESS_TOKEN') throw new InvalidBlockTokenError(`${what}; the block token is invalid or expired`, { remoteAddress: peer, blockId });
  throw new ProtocolError('PROTOCOL_MALFORMED', what, { remoteAddress: peer, blockId, status: r.status });
}

/**
 * Reads `length` bytes at `offset` inside `located`'s block from `dn`, yielding verified chunks of
 * data in order. With `verifyChecksum` false the CRCs still come (sendChecksums) but are not
 * checked, and the read ends with SUCCESS instead of CHECKSUM_OK, as BlockReaderRemote does.
 */
export async function* readBlockRange(channels: DataNodeChannels, dn: DatanodeInfo, located: LocatedBlock, offset: number, length: number, clientName: string, verifyChecksum = true): AsyncGenerator<Uint8Array> {
  const conn = await channels.open(dn, located.blockToken);
  const timeout = channels.timeoutMs;
  let done = false;
  try {
    await conn.output.write(
      encodeOpReadBlock({ header: { baseHeader: { block: located.b, token: located.blockToken }, clientName }, offset, len: length, sendChecksums: true, cachingStrategy: {} }),
    );
    const response = decodeBlockOpResponse(await conn.input.next((q) => tryReadDelimited(q, 1 << 20, 'BlockOpResponse'), 'the READ_BLOCK response', timeout));
    checkOpResponse(response, 'READ_BLOCK', conn.peer, located.b.blockId);
    const info = response.readOpChecksumInfo;
    if (!info) throw new ProtocolError('PROTOCOL_MALFORMED', `DataNode ${conn.peer} answered READ_BLOCK without the checksum information`, { remoteAddress: conn.peer });
    // Packets start at chunkOffset (the chunk boundary at or before `offset`); drop the bytes before `offset`.
    let skip = offset - info.chunkOffset;
    let left = length;
    let expectedOffset = info.chunkOffset;
    for (;;) {
      const packet = await conn.input.next((q) => tryReadPacket(q), 'a data packet', timeout);
      const h = packet.header;
      if (h.offsetInBlock !== expectedOffset && h.dataLen > 0) {
        throw new ProtocolError('PROTOCOL_MALFORMED', `DataNode ${conn.peer} sent block ${located.b.blockId} data at offset ${h.offsetInBlock}, expected ${expectedOffset}`, { remoteAddress: conn.peer });
      }
      if (h.dataLen > 0) {
        if (verifyChecksum) verifyChecksums(info.checksum, packet.data, packet.checksums, h.offsetInBlock);
        expectedOffset += h.dataLen;
        let data = packet.data;
        if (skip > 0) {
          const n = Math.min(skip, data.length);
          data = data.subarray(n);
          skip -= n;
        }
        if (data.length > left) data = data.subarray(0, left);
        left -= data.length;
        if (data.length > 0) yield data;
      }
      if (h.lastPacketInBlock || (h.dataLen === 0 && left === 0)) break;
    }
    if (left > 0) throw new ProtocolError('PROTOCOL_TRUNCATED', `DataNode ${conn.peer} ended block ${located.b.blockId} ${left} bytes short`, { remoteAddress: conn.peer });
    // BlockReaderRemote.sendReadResult: the client tells the DataNode the checksums were good (SUCCESS when it did not check them).
    await conn.output.write(encodeDelimited(encodeClientReadStatus(verifyChecksum ? 'CHECKSUM_OK' : 'SUCCESS')));
    done = true;
  } finally {
    if (done) conn.finish();
    else conn.close();
  }
}
