/**
 * The secure DataNode end to end over a real MIT KDC and the real hsec NameNode: keytab login as
 * dn/localhost; DatanodeProtocol over Kerberos IPC (privacy) under the NameNode's service
 * authorization (only dn/localhost may call it; alice is refused); files of 0 bytes, a few bytes,
 * several packets and a few MiB written and read with the product HdfsClient at each data-transfer
 * QOP, with AES/CTR after the general handshake, plus an empty block through the product block
 * writer and two reads on one connection; the encrypted handshake with the NameNode's data
 * encryption key (3DES when the key names no algorithm, AES/CTR with the cipher suite; a key id the
 * NameNode never had refused); real block tokens from the NameNode forged (password or identifier
 * changed, signed with a key the NameNode never had), expired (NameNode and DataNode on one
 * ManualClock), for another block or for another op, each refused with a typed error while the
 * DataNode goes on serving; the data-transfer resolver's per-client QOP (whitelist); a privileged
 * data port without SASL (Hadoop's root/jsvc model).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataNode } from '../../../cluster/datanode/datanode.ts';
import { acquireRpcClient } from '../../../cluster/client/shared-rpc-client.ts';
import { DatanodeProtocolClient } from '../../../cluster/protocol/datanode-protocol-client.ts';
import { DATANODE_PROTOCOL_INFO } from '../../../cluster/protocol/datanode-protocol.ts';
import type { LocatedBlock, TokenProtoObject } from '../../../cluster/protocol/hdfs-types.ts';
import { ManualClock } from '../../../lib/time/clock.ts';
import type { DigestSecurityLayer } from '../../../security/sasl/mechanisms/digest-md5/security-layer.ts';
import { DataTransferHandshakeError, InvalidBlockTokenError } from '../../../security/datatransfer/errors.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import { BlockTokenIdentifier, type BlockTokenFields } from '../../../security/token/block-token-identifier.ts';
import { createPassword } from '../../../security/token/keys/hmac.ts';
import { skipOrFail } from '../../support/binaries.ts';
import {
  completeFile, handshakesDuring, locatedBlock, openBlock, roundTrip, useTestClusters, waitFor,
  type ClusterOptions, type TestCluster,
} from './datanode-fixture.ts';
import { readBlock, TransferConnection, writeBlock } from './transfer-client.ts';

const SIZES = [0, 1000, 200_000, 3 * 1024 * 1024 + 123];
const AES = { 'dfs.encrypt.data.transfer.cipher.suites': 'AES/CTR/NoPadding' };

/** The error a promise rejects with (undefined when it resolves). */
function rejection(p: Promise<{ close(): void }>): Promise<unknown> {
  return p.then((c) => void c.close(), (e: unknown) => e);
}

/** A block token the NameNode issued, with identifier fields changed: the password stays as issued unless `key` re-signs it. */
function forge(token: TokenProtoObject, changes: Partial<BlockTokenFields>, key?: Uint8Array): TokenProtoObject {
  const id = BlockTokenIdentifier.decode(token.identifier);
  const fields: BlockTokenFields = {
    expiryDate: id.expiryDate, keyId: id.keyId, userId: id.userId, blockPoolId: id.blockPoolId, blockId: id.blockId,
    modes: id.modes, storageTypes: id.storageTypes, storageIds: id.storageIds, handshakeMsg: id.handshakeMsg, ...changes,
  };
  const forged = BlockTokenIdentifier.create(fields, id.format);
  return { ...token, identifier: forged.bytes, password: key ? createPassword(forged.bytes, key) : token.password };
}

/** A key id the cluster's NameNode never had. */
function unknownKeyId(c: TestCluster): number {
  const ids = new Set(c.nn.blockTokens!.allKeys().map((k) => k.keyId));
  let id = 4242;
  while (ids.has(id)) id++;
  return id;
}

describe('datanode: secure DataNode over a real KDC and the hsec NameNode (Kerberos IPC, SASL on the data port)', function () {
  this.timeout(180_000);
  const suite = useTestClusters('hsec-dn-secure-');
  const cluster = (options?: ClusterOptions): Promise<TestCluster> => suite.cluster(options);

  it('logs in from its keytab, registers, heartbeats and reports over Kerberos IPC as dn/localhost, which service authorization alone admits', async () => {
    const c = await cluster();
    const dn = await c.startDataNode('login');
    expect(dn.identity.principal).to.equal(`dn/localhost@${suite.realm.kdc.realm}`);
    expect(dn.handshake).to.equal('general');
    const d = c.descriptor(dn)!;
    // DatanodeManager records the address the call came from; the NameNode's answer is the DataNode's registration
    expect(d.registration.datanodeID).to.deep.include({ ipAddr: '127.0.0.1', hostName: 'localhost', xferPort: dn.xferAddress.port, datanodeUuid: dn.datanodeUuid });
    expect(dn.registration!.datanodeID).to.deep.include({ ipAddr: '127.0.0.1', xferPort: dn.xferAddress.port });
    expect(dn.registration!.storageInfo).to.deep.include({ clusterID: c.nn.namesystem.fsd.identity.clusterId, namespceID: c.nn.namesystem.fsd.identity.namespaceId });
    await waitFor(() => d.lastBlockReport > 0, 'a full block report');
    dn.triggerHeartbeat();
    // the report came with the lease the first heartbeat asked for: the NameNode ends a lease only when a report carries it
    expect(d.reportLeaseId).to.equal(0);
    const seen = d.lastHeartbeat;
    await waitFor(() => d.lastHeartbeat > seen, 'a heartbeat');
    expect(d.storages.get(dn.storageId)).to.deep.include({ storageType: 'DISK', failed: false });
    expect(d.storages.get(dn.storageId)!.capacity).to.be.greaterThan(0);
    // alice, a valid Kerberos user, is not a DataNode: service authorization refuses her DatanodeProtocol calls
    const conf = c.conf();
    const rpc = acquireRpcClient(conf);
    try {
      const asAlice = new DatanodeProtocolClient({ rpc: rpc.rpc, address: c.nn.address, credentials: callCredentials(suite.realm.alice, DATANODE_PROTOCOL_INFO, conf), timeoutMs: 20_000 });
      const e = await asAlice.versionRequest().then(() => undefined, (err: unknown) => err);
      expect(e, 'alice calling DatanodeProtocol').to.be.instanceOf(Error);
      expect((e as Error).message).to.contain(`User ${suite.realm.alice.name}`).and.contain('is not authorized for protocol');
      expect(e).to.have.nested.property('details.exceptionClassName', 'org.apache.hadoop.security.authorize.AuthorizationException');
    } finally {
      rpc.release();
    }
  });

  for (const [protection, qop, aes, kind] of [
    ['authentication', 'auth', false, 'plain'],
    ['integrity', 'auth-int', false, 'sasl'],
    ['privacy', 'auth-conf', false, 'sasl'],
    ['privacy', 'auth-conf', true, 'aes-ctr'],
  ] as const) {
    it(`dfs.data.transfer.protection=${protection}${aes ? ' with AES/CTR' : ''}: files of ${SIZES.join(', ')} bytes and an empty block through the product client (${kind} streams), two reads on one connection`, async () => {
      const keys = { 'dfs.data.transfer.protection': protection, ...(aes ? AES : {}) };
      const c = await cluster();
      const dn = await c.startDataNode('qop', keys);
      const fs = await c.client(keys);
      const nn = c.protocol(keys);
      let several: { data: Buffer; lb: LocatedBlock } | undefined;
      const events = await handshakesDuring(async () => {
        for (const size of SIZES) {
          const { data, lb } = await roundTrip(fs, nn, dn, `/user/alice/f${size}`, size);
          if (size === 200_000) several = { data, lb: lb! };
        }
        // an empty block (a stream closed right after its block was allocated): only the last packet
        const empty = await openBlock(nn, '/user/alice/empty-block');
        await c.blockIo(keys).write(empty.located, new Uint8Array(0));
        await completeFile(nn, empty, 0);
        expect(dn.dataset.getReplica(c.blockPoolId, empty.located.b.blockId)).to.deep.include({ numBytes: 0, state: 'FINALIZED' });
        expect((await fs.readFile('/user/alice/empty-block')).length).to.equal(0);
      });
      const server = events.filter((e) => e.side === 'server');
      expect(server.length, 'the DataNode\'s handshakes').to.be.greaterThan(2 * (SIZES.length - 1));
      for (const e of server) expect(e).to.include({ handshake: 'general', qop, protection: kind });
      // DataXceiver serves ops until the client closes: a block of several packets, then a range of it, on one connection
      const { data, lb } = several!;
      const t = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token: lb.blockToken, qop: [qop], ...(aes ? { cipherSuites: AES['dfs.encrypt.data.transfer.cipher.suites'] } : {}) });
      try {
        expect(t.protection.kind).to.equal(kind);
        const full = await readBlock(t, { block: lb.b, token: lb.blockToken, offset: 0, len: data.length });
        expect(Buffer.compare(full.data, data)).to.equal(0);
        const part = await readBlock(t, { block: lb.b, token: lb.blockToken, offset: 700, len: data.length - 900 });
        expect(Buffer.compare(part.data, data.subarray(700, data.length - 200))).to.equal(0);
      } finally {
        t.close();
      }
    });
  }

  it('dfs.encrypt.data.transfer: the encrypted handshake with the NameNode\'s data encryption key, 3DES when the key names no algorithm, AES/CTR with the cipher suite; a key id the NameNode never had is refused', async () => {
    const enc = { 'dfs.encrypt.data.transfer': 'true' };
    const c = await cluster({ conf: enc });
    const dn = await c.startDataNode('encrypted');
    expect(dn.handshake).to.equal('encrypted');
    const fs = await c.client();
    const nn = c.protocol();
    const events = await handshakesDuring(async () => void (await roundTrip(fs, nn, dn, '/user/alice/enc', 150_000)));
    const server = events.filter((e) => e.side === 'server');
    expect(server.length).to.be.greaterThan(0);
    for (const e of server) expect(e).to.include({ handshake: 'encrypted', qop: 'auth-conf', protection: 'sasl' });
    // the NameNode's key names no algorithm (no dfs.encrypt.data.transfer.algorithm): DIGEST-MD5's default, 3DES
    const key = (await nn.getDataEncryptionKey())!;
    expect(key.encryptionAlgorithm ?? '').to.equal('');
    const t = await TransferConnection.open(dn.xferAddress.port, { kind: 'encrypted', key });
    const layerCipher = t.protection.kind === 'sasl' ? (t.protection.layer as DigestSecurityLayer).cipher : undefined;
    t.close();
    expect(layerCipher).to.equal('3des');

    const aesKeys = { ...enc, ...AES, 'dfs.encrypt.data.transfer.cipher.key.bitlength': '256' };
    const c2 = await cluster({ conf: aesKeys });
    const dn2 = await c2.startDataNode('encrypted-aes');
    const fs2 = await c2.client();
    const nn2 = c2.protocol();
    const aesEvents = await handshakesDuring(async () => void (await roundTrip(fs2, nn2, dn2, '/user/alice/enc-aes', 2 * 1024 * 1024)));
    for (const e of aesEvents.filter((x) => x.side === 'server')) expect(e).to.include({ handshake: 'encrypted', protection: 'aes-ctr', keyBits: 256 });
    // a key the DataNode cannot re-derive (a key id its NameNode never had): ERROR_UNKNOWN_KEY, which makes a client refetch
    const stale = { ...(await nn2.getDataEncryptionKey())!, keyId: unknownKeyId(c2) };
    const e = await rejection(TransferConnection.open(dn2.xferAddress.port, { kind: 'encrypted', key: stale }));
    expect(e).to.have.property('code', 'DATA_TRANSFER_ENCRYPTION_KEY');
    expect((await fs2.readFile('/user/alice/enc-aes')).length, 'still serving').to.equal(2 * 1024 * 1024);
  });

  it('real block tokens forged, signed with a key the NameNode never had, for another block, for another op or expired are refused with typed errors; the DataNode serves others after each', async () => {
    const clock = new ManualClock(Date.now());
    const c = await cluster({ clock, conf: { 'dfs.block.access.token.lifetime': '1' } });
    const dn = await c.startDataNode('refusals', AES);
    const fs = await c.client(AES);
    const nn = c.protocol(AES);
    const { data } = await roundTrip(fs, nn, dn, '/user/alice/target', 10_000);
    await fs.writeFile('/user/alice/other', randomBytes(100));
    const good = await locatedBlock(nn, '/user/alice/target');
    const other = await locatedBlock(nn, '/user/alice/other');
    const open = (token: TokenProtoObject) => TransferConnection.open(dn.xferAddress.port, { kind: 'general', token, qop: ['auth-conf'] });
    const servesOthers = async (after: string) => expect(Buffer.compare(await fs.readFile('/user/alice/target'), data), `a normal read after ${after}`).to.equal(0);

    // forged: a password the DataNode's key does not produce fails the DIGEST-MD5 handshake
    const badPassword = { ...good.blockToken, password: Uint8Array.from(good.blockToken.password, (b) => b ^ 0x5a) };
    expect(await rejection(open(badPassword))).to.be.instanceOf(DataTransferHandshakeError);
    await servesOthers('a forged password');
    // forged: the issued password over an identifier granting WRITE as well
    expect(await rejection(open(forge(good.blockToken, { modes: ['READ', 'WRITE'] })))).to.be.instanceOf(DataTransferHandshakeError);
    await servesOthers('a forged identifier');
    // a key id the NameNode never had, signed with the attacker's own key: the DataNode cannot re-compute the password
    const alien = await rejection(open(forge(good.blockToken, { keyId: unknownKeyId(c) }, randomBytes(64))));
    expect(alien).to.be.instanceOf(InvalidBlockTokenError);
    expect((alien as Error).message).to.contain('doesn\'t exist');
    await servesOthers('an unknown key');
    // another block's token: the handshake succeeds (the token is genuine), READ_BLOCK is ERROR_ACCESS_TOKEN
    const wb = await open(other.blockToken);
    const wbr = await readBlock(wb, { block: good.b, token: other.blockToken, offset: 0, len: 10_000 });
    expect(wbr.response).to.deep.include({ status: 'ERROR_ACCESS_TOKEN' });
    expect(wbr.response!.message).to.match(/doesn't apply to block/);
    expect(await wb.closedByPeer()).to.equal(true);
    wb.close();
    await servesOthers('another block\'s token');
    // another op: the READ token in WRITE_BLOCK of its block; firstBadLink names this DataNode, the replica stays
    const wm = await open(good.blockToken);
    const wmr = await writeBlock(wm, { block: good.b, token: good.blockToken, data: Buffer.alloc(10) });
    wm.close();
    expect(wmr.connectAck).to.deep.include({ status: 'ERROR_ACCESS_TOKEN', firstBadLink: `127.0.0.1:${dn.xferAddress.port}` });
    expect(wmr.connectAck!.message).to.match(/doesn't have WRITE permission$/);
    expect(dn.dataset.getReplica(c.blockPoolId, good.b.blockId)).to.deep.include({ numBytes: 10_000, state: 'FINALIZED' });
    await servesOthers('a READ token used to write');
    // expired: two minutes later on the NameNode's and DataNode's clock (dfs.block.access.token.lifetime = 1 minute)
    clock.advance(2 * 60_000);
    const x = await rejection(open(good.blockToken));
    expect(x).to.be.instanceOf(InvalidBlockTokenError);
    expect((x as Error).message).to.contain('is expired');
    await servesOthers('an expired token');
    // and writes go on, with AES/CTR
    const events = await handshakesDuring(async () => void (await roundTrip(fs, nn, dn, '/user/alice/after-refusals', 70_000)));
    expect(events.filter((e) => e.side === 'server').map((e) => e.protection)).to.include('aes-ctr');
    await waitFor(() => dn.connectionCount === 0, 'every refused connection closed on the DataNode', 5000);
  });

  it('the data-transfer resolver decides the QOP per client: whitelisted clients get dfs.data.transfer.protection, the others hadoop.rpc.protection.non-whitelist', async () => {
    const whitelist = join(suite.dir, 'fixedwhitelist');
    writeFileSync(whitelist, '127.0.0.2\n');
    const c = await cluster();
    const dn = await c.startDataNode('whitelist', {
      'dfs.data.transfer.protection': 'authentication,privacy',
      'dfs.data.transfer.saslproperties.resolver.class': 'org.apache.hadoop.security.WhitelistBasedResolver',
      'hadoop.security.sasl.fixedwhitelist.file': whitelist,
      'hadoop.security.sasl.variablewhitelist.enable': 'false',
    });
    const fs = await c.client();
    const nn = c.protocol();
    const { data, lb } = await roundTrip(fs, nn, dn, '/user/alice/listed', 5000);
    const token = lb!.blockToken;
    const listed = await TransferConnection.open(dn.xferAddress.port, { kind: 'general', token, qop: ['auth'] }, { localAddress: '127.0.0.2' });
    try {
      expect(listed.protection.kind).to.equal('plain');
      expect(Buffer.compare((await readBlock(listed, { block: lb!.b, token, offset: 0, len: 5000 })).data, data)).to.equal(0);
    } finally {
      listed.close();
    }
    const e = await rejection(TransferConnection.open(dn.xferAddress.port, { kind: 'general', token, qop: ['auth'] }, { localAddress: '127.0.0.3' }));
    expect(e).to.have.property('code', 'SASL_NO_COMMON_QOP');
    expect((e as Error).message, 'names the DataNode, the client key and the value to set')
      .to.contain(`${dn.xferAddress.port}`)
      .and.contain('client accepts [auth] (dfs.data.transfer.protection)')
      .and.contain('DataNode offers [auth-conf]')
      .and.contain('-D dfs.data.transfer.protection=privacy');
    expect(Buffer.compare(await fs.readFile('/user/alice/listed'), data), 'still serving').to.equal(0);
  });

  it('a privileged data port without dfs.data.transfer.protection skips SASL (root); block tokens are still checked on each op', async function () {
    if (process.getuid?.() !== 0) skipOrFail(this, 'binding a port below 1024 needs root');
    const c = await cluster();
    let dn: DataNode | undefined;
    for (let port = 1023; port > 900 && !dn; port--) {
      try {
        dn = await c.startDataNode(`privileged-${port}`, { 'dfs.datanode.address': `127.0.0.1:${port}`, 'dfs.data.transfer.protection': '' });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ADDRESS_IN_USE') throw e;
      }
    }
    expect(dn!.handshake).to.equal('none');
    const fs = await c.client();
    const nn = c.protocol();
    let trip: Awaited<ReturnType<typeof roundTrip>> | undefined;
    const events = await handshakesDuring(async () => void (trip = await roundTrip(fs, nn, dn!, '/user/alice/privileged', 100_000)));
    expect(events, 'no SASL handshake on either side').to.deep.equal([]);
    const { data, lb } = trip!;
    const t = await TransferConnection.open(dn!.xferAddress.port);
    try {
      const r = await readBlock(t, { block: lb!.b, token: { ...lb!.blockToken, password: new Uint8Array(20) }, offset: 0, len: 10 });
      expect(r.response).to.deep.include({ status: 'ERROR_ACCESS_TOKEN' });
      expect(r.response!.message).to.match(/doesn't have the correct token password$/);
    } finally {
      t.close();
    }
    expect(Buffer.compare(await fs.readFile('/user/alice/privileged'), data), 'still serving').to.equal(0);
  });

  it('refuses to start insecurely: Kerberos without block tokens, or an unprivileged data port without protection', async () => {
    const c = await cluster();
    const e1 = await DataNode.start(c.dataNodeConf('bad1', { 'dfs.block.access.token.enable': 'false' }), { krb5: suite.realm.krb5 }).then(() => undefined, (e: unknown) => e);
    expect(e1).to.have.property('code', 'CONFIG_INVALID');
    const e2 = await DataNode.start(c.dataNodeConf('bad2', { 'dfs.data.transfer.protection': '' }), { krb5: suite.realm.krb5 }).then(() => undefined, (e: unknown) => e);
    expect(e2).to.have.property('code', 'CONFIG_INVALID');
    expect((e2 as Error).message).to.contain('dfs.data.transfer.protection');
  });
});
