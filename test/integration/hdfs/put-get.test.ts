/**
 * Data moves, encrypted (issue 9), end to end over a real MIT KDC: the product HdfsClient writes
 * and reads through the hsec NameNode and DataNode with Kerberos RPC privacy and block tokens, at
 * each data-transfer QOP (authentication, integrity, privacy), with the AES/CTR cipher option on
 * the SASL handshake, and with dfs.encrypt.data.transfer (the encrypted handshake with the
 * NameNode's data encryption key, AES/CTR). Files of 0 bytes, 1 byte, 200 KB and 3 MiB across three
 * 1 MiB blocks; ranges; the namespace calls of hsec fs; and the protection each connection used,
 * as the DataNode's handshake events report it.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useMiniKdc } from '../../support/fixtures.ts';
import { startSecureHdfs, type SecureHdfs } from '../../../cluster/mini/secure-hdfs.ts';

const MiB = 1024 * 1024;
const SIZES = [0, 1, 200_000, 3 * MiB + 12_345];

const CONFIGS: ReadonlyArray<{ name: string; conf: Record<string, string>; expect: Record<string, unknown> }> = [
  { name: 'dfs.data.transfer.protection=authentication', conf: { 'dfs.data.transfer.protection': 'authentication' }, expect: { handshake: 'general', qop: 'auth', protection: 'plain' } },
  { name: 'dfs.data.transfer.protection=integrity', conf: { 'dfs.data.transfer.protection': 'integrity' }, expect: { handshake: 'general', qop: 'auth-int', protection: 'sasl' } },
  { name: 'dfs.data.transfer.protection=privacy (DIGEST-MD5 3des)', conf: { 'dfs.data.transfer.protection': 'privacy' }, expect: { handshake: 'general', qop: 'auth-conf', protection: 'sasl' } },
  {
    name: 'privacy with the AES/CTR cipher option',
    conf: { 'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' },
    expect: { handshake: 'general', qop: 'auth-conf', protection: 'aes-ctr', keyBits: 128, cipherFallback: false },
  },
  {
    name: 'dfs.encrypt.data.transfer=true with AES/CTR (encrypted handshake, 256-bit keys)',
    conf: { 'dfs.data.transfer.protection': 'privacy', 'dfs.encrypt.data.transfer': 'true', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding', 'dfs.encrypt.data.transfer.cipher.key.bitlength': '256' },
    expect: { handshake: 'encrypted', qop: 'auth-conf', protection: 'aes-ctr', keyBits: 256, cipherFallback: false },
  },
];

describe('hdfs: put and get through the hsec NameNode and DataNode (MIT KDC, RPC privacy, block tokens)', function () {
  this.timeout(240_000);
  const realm = useMiniKdc();

  for (const c of CONFIGS) {
    describe(c.name, () => {
      let dir: string;
      let hdfs: SecureHdfs;
      before(async () => {
        dir = mkdtempSync(join(tmpdir(), 'hsec-e2e-'));
        hdfs = await startSecureHdfs(realm.kdc, dir, { conf: { ...c.conf, 'dfs.blocksize': String(MiB) } });
      });
      after(async () => {
        await hdfs?.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      it(`writes and reads back ${SIZES.join(', ')} bytes; the DataNode connections used the configured protection`, async () => {
        const events: Array<Record<string, unknown>> = [];
        const on = (m: unknown) => events.push(m as Record<string, unknown>);
        subscribe('hsec:datatransfer:negotiated', on);
        try {
          const fs = await hdfs.client('alice');
          // the home directory the superuser made: alice's, 0755, as hdfs dfs -mkdir and -chown leave it
          expect(await fs.stat('/user/alice')).to.include({ type: 'directory', owner: 'alice', permission: 0o755 });
          expect(await fs.mkdir('/user/alice/e2e')).to.equal(true);
          for (const size of SIZES) {
            const data = randomBytes(size);
            await fs.writeFile(`e2e/f${size}`, data);
            const back = await fs.readFile(`e2e/f${size}`);
            expect(back.length, `file of ${size} bytes`).to.equal(size);
            expect(Buffer.compare(back, data), `contents of the ${size}-byte file`).to.equal(0);
            const st = await fs.stat(`e2e/f${size}`);
            expect(st).to.include({ type: 'file', length: size, owner: 'alice', permission: 0o644 });
          }
          const listing = await fs.list('e2e');
          expect(listing.map((s) => s.path).sort()).to.deep.equal(SIZES.map((n) => `/user/alice/e2e/f${n}`).sort());
        } finally {
          unsubscribe('hsec:datatransfer:negotiated', on);
        }
        const server = events.filter((e) => e['side'] === 'server');
        expect(server.length, 'DataNode handshakes').to.be.greaterThan(0);
        for (const e of server) expect(e).to.include(c.expect);
      });

      it('reads ranges inside and across blocks, as createReadStream({ start, end }) does', async () => {
        const fs = await hdfs.client('alice');
        const data = randomBytes(2 * MiB + 777);
        await fs.writeFile('/user/alice/range', data);
        for (const [start, end] of [[0, 0], [511, 513], [MiB - 10, MiB + 10], [100_000, 2 * MiB + 776]] as const) {
          const chunks: Buffer[] = [];
          for await (const chunk of fs.createReadStream('/user/alice/range', { start, end })) chunks.push(chunk as Buffer);
          expect(Buffer.compare(Buffer.concat(chunks), data.subarray(start, end + 1)), `bytes ${start}-${end}`).to.equal(0);
        }
      });
    });
  }
});
