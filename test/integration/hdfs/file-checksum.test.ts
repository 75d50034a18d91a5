/**
 * File checksums end to end (DistributedFileSystem.getFileChecksum, `hdfs dfs -checksum`): the
 * hsec NameNode and DataNode secured with Kerberos (MIT KDC, RPC privacy, block tokens), files of
 * 0 bytes, fewer than 512, a non-multiple of 512 and several 64 KiB blocks written by the product
 * HdfsClient, then HdfsClient.getFileChecksum and `hsec fs -checksum [-v]` (in-process, alice from
 * a ticket cache MIT kinit filled) checked against the plain reference of
 * test/support/checksum-reference.ts (CRC-32C per 512-byte chunk from a one-table
 * implementation, MD5 per block and of the block MD5s with node:crypto), algorithm name included;
 * COMPOSITE_CRC against the CRC-32C of the whole file. Once with dfs.data.transfer.protection
 * authentication, once with privacy and the AES/CTR cipher option. BLOCK_CHECKSUM with a WRITE-only
 * token (genuine, from the NameNode's key) and with a forged one is refused with a typed error, and
 * the DataNode keeps serving.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataNodeChannels } from '../../../cluster/client/datanode-channel.ts';
import { blockChecksumFrom } from '../../../cluster/client/file-checksum-computer.ts';
import type { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { acquireRpcClient } from '../../../cluster/client/shared-rpc-client.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';
import { CLIENT_PROTOCOL_INFO } from '../../../cluster/protocol/client-protocol.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import type { LocatedBlock } from '../../../cluster/protocol/hdfs-types.ts';
import { InvalidBlockTokenError } from '../../../security/datatransfer/errors.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { md5, referenceCrc, referenceMd5Md5Crc } from '../../support/checksum-reference.ts';
import { rejectsCode } from '../../support/errors.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { fsShellUser, type FsShellUser } from '../../support/fs-shell.ts';
import { until } from '../../support/until.ts';

const BLOCK = 64 * 1024;
const SIZES = [0, 100, 5_000, 3 * BLOCK + 777, 2 * BLOCK];

const CONFIGS: ReadonlyArray<{ name: string; conf: Record<string, string>; protection: string }> = [
  { name: 'dfs.data.transfer.protection=authentication', conf: { 'dfs.data.transfer.protection': 'authentication' }, protection: 'plain' },
  { name: 'privacy with the AES/CTR cipher option', conf: { 'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' }, protection: 'aes-ctr' },
];

describe('hdfs: file checksums through the hsec DataNode (BLOCK_CHECKSUM, getFileChecksum, hsec fs -checksum; MIT KDC)', function () {
  this.timeout(180_000);
  const realm = useMiniKdc();

  for (const c of CONFIGS) {
    describe(c.name, () => {
      let dir: string;
      let hdfs: SecureHdfs;
      let alice: HdfsClient;
      let shell: FsShellUser;
      const files = new Map<number, Buffer>();
      const fs = (...args: string[]) => shell.fs(...args);

      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'hsec-cks-'));
        hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { ...c.conf, 'dfs.blocksize': String(BLOCK), 'dfs.namenode.fs-limits.min-block-size': '1024' } });
        alice = await hdfs.client('alice');
        for (const size of SIZES) {
          const data = randomBytes(size);
          files.set(size, data);
          await alice.writeFile(`cks/f${size}`, data);
        }
        shell = await fsShellUser(hdfs, 'alice');
      });
      after(async () => {
        await hdfs?.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      it(`getFileChecksum of ${SIZES.join(', ')} bytes is the reference MD5MD5CRC32C; the DataNode connections used the configured protection`, async () => {
        const events: Array<Record<string, unknown>> = [];
        const on = (m: unknown) => events.push(m as Record<string, unknown>);
        subscribe('hsec:datatransfer:negotiated', on);
        try {
          for (const size of SIZES) {
            const expected = referenceMd5Md5Crc(files.get(size)!, BLOCK);
            const sum = await alice.getFileChecksum(`cks/f${size}`);
            expect(sum?.algorithmName, `${size} bytes`).to.equal(expected.algorithm);
            expect(Buffer.from(sum!.bytes).toString('hex'), `${size} bytes`).to.equal(expected.hex);
          }
        } finally {
          unsubscribe('hsec:datatransfer:negotiated', on);
        }
        const server = events.filter((e) => e['side'] === 'server');
        expect(server.length, 'DataNode handshakes').to.be.greaterThan(0);
        for (const e of server) expect(e['protection']).to.equal(c.protection);
      });

      it('COMPOSITE_CRC is the CRC-32C of the whole file; a length covers that many bytes', async () => {
        for (const size of SIZES.filter((s) => s > 0)) {
          const data = files.get(size)!;
          const sum = await alice.getFileChecksum(`cks/f${size}`, { combineMode: 'COMPOSITE_CRC' });
          expect(sum?.algorithmName).to.equal('COMPOSITE-CRC32C');
          expect(Buffer.from(sum!.bytes).readUInt32BE(0), `${size} bytes`).to.equal(referenceCrc(data));
        }
        const big = files.get(3 * BLOCK + 777)!;
        // a length ending inside a chunk of the second block: the DataNode recomputes that chunk's CRC
        const cut = BLOCK + 700;
        const md5 = await alice.getFileChecksum(`cks/f${big.length}`, { length: cut });
        const expected = referenceMd5Md5Crc(big.subarray(0, cut), BLOCK);
        expect(Buffer.from(md5!.bytes).toString('hex')).to.equal(expected.hex);
        const composite = await alice.getFileChecksum(`cks/f${big.length}`, { length: cut, combineMode: 'COMPOSITE_CRC' });
        expect(composite!.kind === 'COMPOSITE_CRC' && composite!.crc).to.equal(referenceCrc(big.subarray(0, cut)));
      });

      it('hsec fs -checksum [-v] prints path, algorithm and hex as FsShell does, for globs; a directory and a missing path are errors', async () => {
        const r = await fs('-checksum', 'cks/f*');
        expect(r.code, r.err).to.equal(0);
        const lines = SIZES.map((s) => `cks/f${s}`).sort().map((p) => {
          const ref = referenceMd5Md5Crc(files.get(Number(p.slice('cks/f'.length)))!, BLOCK);
          return `${p}\t${ref.algorithm}\t${ref.hex}\n`;
        });
        expect(r.out).to.equal(lines.join(''));
        const v = await fs('-checksum', '-v', '/user/alice/cks/f5000');
        const ref = referenceMd5Md5Crc(files.get(5000)!, BLOCK);
        expect(v.out).to.equal(`/user/alice/cks/f5000\t${ref.algorithm}\t${ref.hex}\tBlockSize=${BLOCK}\n`);
        const bad = await fs('-checksum', 'cks', 'cks/nope', 'cks/f100');
        expect(bad.code).to.equal(1);
        expect(bad.err).to.equal("checksum: `cks': Is a directory\nchecksum: `cks/nope': No such file or directory\n");
        expect(bad.out).to.equal(`cks/f100\t${referenceMd5Md5Crc(files.get(100)!, BLOCK).algorithm}\t${referenceMd5Md5Crc(files.get(100)!, BLOCK).hex}\n`);
        // the library call on a directory: the NameNode's FileNotFoundException ("Path is not a file"), as Hadoop's
        const dirError = await rejectsCode(alice.getFileChecksum('cks'), 'RPC_REMOTE');
        expect(dirError.details['exceptionClassName']).to.equal('java.io.FileNotFoundException');
        expect(dirError.message).to.contain('Path is not a file: /user/alice/cks');
      });

      it('a file being written is refused as DFSClient refuses it (its open block alone at 0 bytes: the MD5 of no CRCs); once closed, the reference', async () => {
        const data = randomBytes(BLOCK);
        const out = alice.createWriteStream('cks/open');
        const finished = new Promise<void>((resolve, reject) => {
          out.once('finish', resolve);
          out.once('error', reject);
        });
        out.write(data);
        const rpc = acquireRpcClient(alice.conf);
        try {
          const nn = new ClientProtocolClient({ rpc: rpc.rpc, address: alice.nameNode, credentials: callCredentials(alice.user, CLIENT_PROTOCOL_INFO, alice.conf) });
          let block: LocatedBlock | undefined;
          expect(await until(() => {
            void nn.getBlockLocations('/user/alice/cks/open', 0, BLOCK).then((l) => (block = l?.blocks?.[0]), () => undefined);
            return block !== undefined && hdfs.dns[0]!.dataset.getReplica(block.b.poolId, block.b.blockId)?.numBytes === BLOCK;
          }, 20_000), 'the DataNode acknowledged the whole block').to.equal(true);
          expect(block!.b.numBytes ?? 0, 'the NameNode\'s length of the open block').to.equal(0);
          // DFSClient.getBlockLocations refuses a file under construction (HDFS-8150)
          const refused = await rejectsCode(alice.getFileChecksum('cks/open'), 'FS_LEASE');
          expect(refused.message).to.equal('Fail to get checksum, since file /user/alice/cks/open is under construction.');
          // the DataNode still answers for the open block as Hadoop's does: 0 bytes of a longer
          // replica asked for, so it digests no CRC (isPartialBlk)
          const channels = new DataNodeChannels(alice.conf, nn);
          const open = await blockChecksumFrom(channels, block!.locs![0]!, block!, 'MD5CRC', 10_000);
          expect(Buffer.from(open.blockChecksum).toString('hex')).to.equal(md5(new Uint8Array(0)).toString('hex'));
        } finally {
          rpc.release();
        }
        out.end();
        await finished;
        const closed = await alice.getFileChecksum('cks/open');
        expect(Buffer.from(closed!.bytes).toString('hex')).to.equal(referenceMd5Md5Crc(data, BLOCK).hex);
      });

      it('BLOCK_CHECKSUM with a WRITE-only token or a forged one is refused with a typed error; the DataNode keeps serving', async () => {
        const rpc = acquireRpcClient(alice.conf);
        try {
          const nn = new ClientProtocolClient({ rpc: rpc.rpc, address: alice.nameNode, credentials: callCredentials(alice.user, CLIENT_PROTOCOL_INFO, alice.conf) });
          const channels = new DataNodeChannels(alice.conf, nn);
          const located = (await nn.getBlockLocations('/user/alice/cks/f5000', 0, Number.MAX_SAFE_INTEGER))!.blocks![0]!;
          const dn = located.locs![0]!;
          const good = await blockChecksumFrom(channels, dn, located, 'MD5CRC', 10_000);
          expect(good).to.deep.include({ bytesPerCrc: 512, crcPerBlock: 10, crcType: 'CHECKSUM_CRC32C', blockChecksumOptions: { blockChecksumType: 'MD5CRC', stripeLength: 0 } });
          const writeOnly: LocatedBlock = { ...located, blockToken: hdfs.nn.blockTokens!.generateToken('alice', { ...located.b }, ['WRITE']).toProto() };
          await rejectsCode(blockChecksumFrom(channels, dn, writeOnly, 'MD5CRC', 10_000), 'DATA_TRANSFER_BLOCK_TOKEN', InvalidBlockTokenError);
          // another block's token: its password is genuine, its block id is not this one
          const other = (await nn.getBlockLocations('/user/alice/cks/f100', 0, Number.MAX_SAFE_INTEGER))!.blocks![0]!;
          await rejectsCode(blockChecksumFrom(channels, dn, { ...located, blockToken: other.blockToken }, 'MD5CRC', 10_000), 'DATA_TRANSFER_BLOCK_TOKEN', InvalidBlockTokenError);
          // a forged password: the data-transfer SASL handshake (DIGEST-MD5 keyed by the token) fails before any op
          const forged = { ...located, blockToken: { ...located.blockToken, password: new Uint8Array(located.blockToken.password.length).fill(7) } };
          await rejectsCode(blockChecksumFrom(channels, dn, forged, 'MD5CRC', 10_000), 'DATA_TRANSFER_HANDSHAKE');
          expect(Buffer.from((await blockChecksumFrom(channels, dn, located, 'MD5CRC', 10_000)).blockChecksum).toString('hex')).to.equal(Buffer.from(good.blockChecksum).toString('hex'));
          expect(Buffer.from((await alice.getFileChecksum('cks/f5000'))!.bytes).toString('hex')).to.equal(referenceMd5Md5Crc(files.get(5000)!, BLOCK).hex);
        } finally {
          rpc.release();
        }
      });
    });
  }
});
