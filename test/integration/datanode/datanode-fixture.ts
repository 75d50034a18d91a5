/**
 * Helpers for the DataNode suites over a real MIT KDC: keytabs for nn/localhost and dn/localhost,
 * the (temporary) NameNode stand-in on Kerberos IPC, DataNode configurations, DataNodes started
 * with their keytab login, block tokens and data round trips through the test client.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfiguration, type Configuration } from '../../../lib/config/index.ts';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { DataNode } from '../../../cluster/datanode/datanode.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { NameNodeStandIn, type StandInOptions } from './namenode-stand-in.ts';
import { readBlock, TransferConnection, writeBlock, type ClientHandshake } from './transfer-client.ts';

export interface Realm {
  kdc: MiniKdc;
  dir: string;
  nnKeytab: string;
  dnKeytab: string;
}

export async function makeRealm(kdc: MiniKdc, dir: string): Promise<Realm> {
  const nnKeytab = join(dir, 'nn.keytab');
  const dnKeytab = join(dir, 'dn.keytab');
  await kdc.createKeytab(nnKeytab, 'nn/localhost');
  await kdc.createKeytab(dnKeytab, 'dn/localhost');
  return { kdc, dir, nnKeytab, dnKeytab };
}

/** The stand-in NameNode on Kerberos IPC (privacy), logged in from nn.keytab. */
export function startNameNode(r: Realm, options: StandInOptions = {}): Promise<NameNodeStandIn> {
  const conf = loadConfiguration({
    env: {},
    overrides: {
      'hadoop.security.authentication': 'kerberos',
      'hadoop.rpc.protection': 'privacy',
      'dfs.namenode.kerberos.principal': `nn/localhost@${r.kdc.realm}`,
      'dfs.namenode.keytab.file': r.nnKeytab,
    },
  });
  return NameNodeStandIn.start({ conf, krb5: loadKrb5Config(r.kdc.krb5ConfPath), ...options });
}

/** A secure DataNode configuration: Kerberos, block tokens, 1 s heartbeats, a loopback data port; `extra` adds or replaces keys. */
export function dataNodeConf(r: Realm, nn: NameNodeStandIn, dataDir: string, extra: Record<string, string> = {}): Configuration {
  return loadConfiguration({
    env: {},
    overrides: {
      'hadoop.security.authentication': 'kerberos',
      'hadoop.rpc.protection': 'privacy',
      'dfs.namenode.rpc-address': `127.0.0.1:${nn.port}`,
      'dfs.namenode.kerberos.principal': `nn/localhost@${r.kdc.realm}`,
      'dfs.datanode.kerberos.principal': `dn/_HOST@${r.kdc.realm}`,
      'dfs.datanode.keytab.file': r.dnKeytab,
      'dfs.datanode.hostname': 'localhost',
      'dfs.datanode.address': '127.0.0.1:0',
      'dfs.datanode.data.dir': `file://${dataDir}`,
      'dfs.block.access.token.enable': 'true',
      'dfs.data.transfer.protection': 'privacy',
      'dfs.heartbeat.interval': '1',
      ...extra,
    },
  });
}

/** Starts a DataNode with its keytab login and waits for its registration. */
export async function startDataNode(r: Realm, conf: Configuration): Promise<DataNode> {
  const dn = await DataNode.start(conf, { krb5: loadKrb5Config(r.kdc.krb5ConfPath) });
  expect(await dn.waitRegistered(20_000), 'the DataNode registers with the NameNode').to.equal(true);
  return dn;
}

export function block(nn: NameNodeStandIn, blockId: number, numBytes?: number) {
  return { poolId: nn.blockPoolId, blockId, generationStamp: 1001, ...(numBytes !== undefined ? { numBytes } : {}) };
}

/** The general handshake a client runs with `qop` (AES/CTR offered with `aes`). */
export function general(nn: NameNodeStandIn, blockId: number, mode: 'READ' | 'WRITE', qop: Qop[], aes = false): ClientHandshake {
  return { kind: 'general', token: nn.token({ blockPoolId: nn.blockPoolId, blockId, modes: [mode] }), qop, ...(aes ? { cipherSuites: 'AES/CTR/NoPadding' } : {}) };
}

/**
 * Writes `size` random bytes as block `blockId`, reads them back in full and from an offset inside
 * a chunk, and checks every ack and byte. `handshake(mode)` gives the handshake of each connection.
 */
export async function roundTrip(dn: Pick<DataNode, 'xferAddress'>, nn: NameNodeStandIn, blockId: number, size: number, handshake: (mode: 'READ' | 'WRITE') => ClientHandshake): Promise<{ writeProtection: string; readProtection: string }> {
  const data = randomBytes(size);
  const w = await TransferConnection.open(dn.xferAddress.port, handshake('WRITE'));
  let writeProtection: string;
  try {
    const res = await writeBlock(w, { block: block(nn, blockId), token: nn.token({ blockPoolId: nn.blockPoolId, blockId, modes: ['WRITE'] }), data });
    expect(res.connectAck).to.deep.equal({ status: 'SUCCESS', firstBadLink: '' });
    expect(res.acks.every((a) => a.reply?.join() === 'SUCCESS'), JSON.stringify(res.acks)).to.equal(true);
    expect(res.acks.length).to.equal(size === 0 ? 1 : Math.ceil(size / 64_512) + 1);
    writeProtection = w.protection.kind;
  } finally {
    w.close();
  }
  const r = await TransferConnection.open(dn.xferAddress.port, handshake('READ'));
  try {
    const token = nn.token({ blockPoolId: nn.blockPoolId, blockId, modes: ['READ'] });
    const full = await readBlock(r, { block: block(nn, blockId, size), token, offset: 0, len: size });
    expect(full.response?.status).to.equal('SUCCESS');
    expect(Buffer.compare(full.data, data), `block ${blockId}: ${size} bytes read back`).to.equal(0);
    if (size > 1000) {
      const part = await readBlock(r, { block: block(nn, blockId, size), token, offset: 700, len: size - 900 }); // same connection, second op
      expect(Buffer.compare(part.data, data.subarray(700, size - 200))).to.equal(0);
    }
    return { writeProtection, readProtection: r.protection.kind };
  } finally {
    r.close();
  }
}
