/**
 * The secure DataNode end to end over a real MIT KDC: keytab login as dn/localhost and
 * DatanodeProtocol over Kerberos IPC (privacy) to a NameNode stand-in (TEMPORARY, see
 * namenode-stand-in.ts: switch to the real hsec NameNode once it lands); block writes and reads of
 * 0 bytes, a few bytes, several packets and a few MiB at each data-transfer QOP, with AES/CTR after
 * the general handshake, and through the encrypted handshake (3DES when the key names no
 * algorithm, AES/CTR with the cipher suite); forged, expired, wrong-block and wrong-mode tokens
 * refused with typed errors while the DataNode keeps serving; the data-transfer resolver's per-
 * client QOP (whitelist); a privileged data port without SASL (Hadoop's root/jsvc model).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataNode } from '../../../cluster/datanode/datanode.ts';
import type { DigestSecurityLayer } from '../../../security/sasl/mechanisms/digest-md5/security-layer.ts';
import { DataTransferHandshakeError, InvalidBlockTokenError } from '../../../security/datatransfer/errors.ts';
import { DelegationKey } from '../../../security/token/keys/delegation-key.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { useMiniKdc } from '../../support/fixtures.ts';
import { skipOrFail } from '../../support/binaries.ts';
import { block, dataNodeConf, general, makeRealm, roundTrip, startDataNode, startNameNode, type Realm } from './datanode-fixture.ts';
import type { NameNodeStandIn } from './namenode-stand-in.ts';
import { readBlock, TransferConnection, writeBlock } from './transfer-client.ts';

const SIZES = [0, 1000, 200_000, 3 * 1024 * 1024 + 123];

describe('datanode: secure DataNode over a real KDC (Kerberos IPC to the NameNode, SASL on the data port)', function () {
  this.timeout(180_000);
  const kdcFixture = useMiniKdc();
  let dir: string;
  let realm: Realm;
  let nn: NameNodeStandIn;
  const running: DataNode[] = [];
  let nextBlock = 1073741825;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-dn-secure-'));
    realm = await makeRealm(kdcFixture.kdc, dir);
    nn = await startNameNode(realm);
  });
  after(async () => {
    for (const dn of running) await dn.stop().catch(() => undefined);
    await nn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function dataNode(name: string, extra: Record<string, string> = {}): Promise<DataNode> {
    const dn = await startDataNode(realm, dataNodeConf(realm, nn, join(dir, name), extra));
    running.push(dn);
    return dn;
  }

  it('logs in from its keytab, registers and heartbeats over Kerberos IPC as dn/localhost, reports its storage', async () => {
    const dn = await dataNode('login');
    expect(dn.identity.principal).to.equal(`dn/localhost@${realm.kdc.realm}`);
    expect(dn.handshake).to.equal('general');
    await nn.until(() => nn.blockReports.some((b) => b.datanodeUuid === dn.datanodeUuid), 'a full block report');
    const mine = nn.calls.filter((c) => c.at > 0);
    expect(new Set(mine.map((c) => c.user))).to.deep.equal(new Set([`dn/localhost@${realm.kdc.realm}`]));
    expect(mine.map((c) => c.method)).to.include.members(['versionRequest', 'registerDatanode', 'sendHeartbeat', 'blockReport']);
    const reg = nn.datanodes.get(dn.datanodeUuid)!.registration;
    expect(reg.datanodeID).to.deep.include({ ipAddr: '127.0.0.1', hostName: 'localhost', xferPort: dn.xferAddress.port });
    expect(nn.blockReports.find((b) => b.datanodeUuid === dn.datanodeUuid)!.leaseId).to.be.greaterThan(0);
  });

  for (const [protection, qop, aes, kind] of [
    ['authentication', 'auth', false, 'plain'],
    ['integrity', 'auth-int', false, 'sasl'],
    ['privacy', 'auth-conf', false, 'sasl'],
    ['privacy', 'auth-conf', true, 'aes-ctr'],
  ] as const) {
    it(`dfs.data.transfer.protection=${protection}${aes ? ' with AES/CTR' : ''}: writes and reads ${SIZES.join(', ')} bytes (${kind} streams)`, async () => {
      const dn = await dataNode(`qop-${qop}-${aes}`, { 'dfs.data.transfer.protection': protection, ...(aes ? { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' } : {}) });
      for (const size of SIZES) {
        const id = nextBlock++;
        const used = await roundTrip(dn, nn, id, size, (mode) => general(nn, id, mode, [qop], aes));
        expect(used).to.deep.equal({ writeProtection: kind, readProtection: kind });
      }
    });
  }

  it('dfs.encrypt.data.transfer: the encrypted handshake with a NameNode data encryption key, 3DES when the key names no algorithm, AES/CTR with the cipher suite', async () => {
    const dn = await dataNode('encrypted', { 'dfs.encrypt.data.transfer': 'true' });
    expect(dn.handshake).to.equal('encrypted');
    const id = nextBlock++;
    await roundTrip(dn, nn, id, 150_000, () => ({ kind: 'encrypted', key: nn.dataEncryptionKey() }));
    const c = await TransferConnection.open(dn.xferAddress.port, { kind: 'encrypted', key: nn.dataEncryptionKey() });
    const layerCipher = c.protection.kind === 'sasl' ? (c.protection.layer as DigestSecurityLayer).cipher : undefined;
    c.close();
    expect(layerCipher).to.equal('3des');
    const aes = await dataNode('encrypted-aes', { 'dfs.encrypt.data.transfer': 'true', 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding', 'dfs.encrypt.data.transfer.cipher.key.bitlength': '256' });
    const id2 = nextBlock++;
    const used = await roundTrip(aes, nn, id2, 2 * 1024 * 1024, () => ({ kind: 'encrypted', key: nn.dataEncryptionKey(), cipherSuites: 'AES/CTR/NoPadding' }));
    expect(used.writeProtection).to.equal('aes-ctr');
    // a key the DataNode cannot re-derive (unknown key id) is ERROR_UNKNOWN_KEY: refetch and retry
    const stale = { ...nn.dataEncryptionKey(), keyId: 999 };
    const e = await TransferConnection.open(aes.xferAddress.port, { kind: 'encrypted', key: stale }).then(() => undefined, (err: unknown) => err);
    expect(e).to.have.property('code', 'DATA_TRANSFER_ENCRYPTION_KEY');
  });

  it('forged, expired, wrong-block and wrong-mode tokens are refused with typed errors, and the DataNode keeps serving others', async () => {
    const dn = await dataNode('refusals', { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' });
    const id = nextBlock++;
    await roundTrip(dn, nn, id, 10_000, (mode) => general(nn, id, mode, ['auth-conf'], true));
    const good = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['READ'] });
    // forged: a token password the DataNode's key does not produce fails the DIGEST-MD5 handshake
    const forged = { ...good, password: Uint8Array.from(good.password, (b) => b ^ 0x5a) };
    const f = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: forged, qop: ['auth-conf'] }).then(() => undefined, (err: unknown) => err);
    expect(f).to.be.instanceOf(DataTransferHandshakeError);
    // expired: the DataNode refuses it during the handshake with accessTokenError (InvalidBlockTokenException)
    const expired = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['READ'], expiryDate: Date.now() - 1000 });
    const x = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: expired, qop: ['auth-conf'] }).then(() => undefined, (err: unknown) => err);
    expect(x).to.be.instanceOf(InvalidBlockTokenError);
    expect((x as InvalidBlockTokenError).message).to.contain('is expired');
    // wrong block: a valid token of another block opens the connection, the op is ERROR_ACCESS_TOKEN
    const other = nn.token({ blockPoolId: nn.blockPoolId, blockId: id + 100_000, modes: ['READ'] });
    const wb = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: other, qop: ['auth-conf'] });
    const wbr = await readBlock(wb, { block: block(nn, id, 10_000), token: other, offset: 0, len: 10_000 });
    expect(wbr.response).to.deep.include({ status: 'ERROR_ACCESS_TOKEN' });
    expect(wbr.response!.message).to.match(/doesn't apply to block/);
    expect(await wb.closedByPeer()).to.equal(true);
    wb.close();
    // wrong mode: a READ token for a write; firstBadLink names this DataNode
    const ro = nn.token({ blockPoolId: nn.blockPoolId, blockId: id + 1, modes: ['READ'] });
    const wm = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: ro, qop: ['auth-conf'] });
    const wmr = await writeBlock(wm, { block: block(nn, id + 1), token: ro, data: Buffer.alloc(10) });
    expect(wmr.connectAck).to.deep.include({ status: 'ERROR_ACCESS_TOKEN', firstBadLink: `127.0.0.1:${dn.xferAddress.port}` });
    expect(wmr.connectAck!.message).to.match(/doesn't have WRITE permission$/);
    wm.close();
    // a token signed with a key the NameNode never had
    const alien = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['READ'], key: new DelegationKey(4242, Date.now() + 60_000, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9)) });
    const a = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: alien, qop: ['auth-conf'] }).then(() => undefined, (err: unknown) => err);
    expect(a).to.be.instanceOf(InvalidBlockTokenError);
    // still serving
    const id2 = nextBlock++;
    expect((await roundTrip(dn, nn, id2, 70_000, (mode) => general(nn, id2, mode, ['auth-conf'], true))).readProtection).to.equal('aes-ctr');
    await nn.until(() => dn.connectionCount === 0, 'every refused connection closed on the DataNode', 5000);
  });

  it('the data-transfer resolver decides the QOP per client: whitelisted clients get dfs.data.transfer.protection, the others hadoop.rpc.protection.non-whitelist', async () => {
    const whitelist = join(dir, 'fixedwhitelist');
    writeFileSync(whitelist, '127.0.0.2\n');
    const dn = await dataNode('whitelist', {
      'dfs.data.transfer.protection': 'authentication,privacy',
      'dfs.data.transfer.saslproperties.resolver.class': 'org.apache.hadoop.security.WhitelistBasedResolver',
      'hadoop.security.sasl.fixedwhitelist.file': whitelist,
      'hadoop.security.sasl.variablewhitelist.enable': 'false',
    });
    const id = nextBlock++;
    await roundTrip(dn, nn, id, 5000, (mode) => general(nn, id, mode, ['auth-conf']));
    const listed = await TransferConnection.open(dn.xferAddress.port, general(nn, id, 'READ', ['auth']), { localAddress: '127.0.0.2' });
    expect(listed.protection.kind).to.equal('plain');
    listed.close();
    const e = await TransferConnection.open(dn.xferAddress.port, general(nn, id, 'READ', ['auth']), { localAddress: '127.0.0.3' }).then(() => undefined, (err: unknown) => err);
    expect(e).to.have.property('code').that.matches(/^(DATA_TRANSFER_HANDSHAKE|SASL_NO_COMMON_QOP)$/);
  });

  it('a privileged data port without dfs.data.transfer.protection skips SASL (root); block tokens are still checked on each op', async function () {
    if (process.getuid?.() !== 0) skipOrFail(this, 'binding a port below 1024 needs root');
    let dn: DataNode | undefined;
    for (let port = 1023; port > 900 && !dn; port--) {
      try {
        dn = await dataNode(`privileged-${port}`, { 'dfs.datanode.address': `127.0.0.1:${port}`, 'dfs.data.transfer.protection': '' });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ADDRESS_IN_USE') throw e;
      }
    }
    expect(dn!.handshake).to.equal('none');
    const id = nextBlock++;
    expect(await roundTrip(dn!, nn, id, 100_000, () => ({ kind: 'none' }))).to.deep.equal({ writeProtection: 'plain', readProtection: 'plain' });
    const good = nn.token({ blockPoolId: nn.blockPoolId, blockId: id, modes: ['READ'] });
    const c = await TransferConnection.open(dn!.xferAddress.port);
    const r = await readBlock(c, { block: block(nn, id, 100_000), token: { ...good, password: new Uint8Array(20) }, offset: 0, len: 10 });
    expect(r.response).to.deep.include({ status: 'ERROR_ACCESS_TOKEN' });
    expect(r.response!.message).to.match(/doesn't have the correct token password$/);
    c.close();
  });

  it('refuses to start insecurely: Kerberos without block tokens, or an unprivileged data port without protection', async () => {
    const krb5 = loadKrb5Config(realm.kdc.krb5ConfPath);
    const e1 = await DataNode.start(dataNodeConf(realm, nn, join(dir, 'bad1'), { 'dfs.block.access.token.enable': 'false' }), { krb5 }).then(() => undefined, (e: unknown) => e);
    expect(e1).to.have.property('code', 'CONFIG_INVALID');
    const e2 = await DataNode.start(dataNodeConf(realm, nn, join(dir, 'bad2'), { 'dfs.data.transfer.protection': '' }), { krb5 }).then(() => undefined, (e: unknown) => e);
    expect(e2).to.have.property('code', 'CONFIG_INVALID');
    expect((e2 as Error).message).to.contain('dfs.data.transfer.protection');
  });
});
