/**
 * Helpers of the selective-encryption suites: a conf dir for a Kerberos NameNode whose whitelist is
 * in ZooKeeper or a file, hsec clients (the product's SaslRpcClient over a RawSession) bound to a
 * loopback source address, and a recorder of diagnostics channels.
 */
import { expect } from 'chai';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { writeSiteXml } from '../../../cluster/mini/site-xml.ts';
import type { NameNode } from '../../../cluster/namenode/namenode.ts';
import { CLIENT_PROTOCOL, encodeGetDelegationTokenRequest } from '../../../cluster/protocol/client-protocol.ts';
import { RpcStatus } from '../../../lib/rpc/constants.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { defaultTokenClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import type { Token } from '../../../security/token/token.ts';
import { kerberosCredentials } from '../namenode/namenode-fixture.ts';
import { RawSession } from './raw-session.ts';

export const OFFER: Qop[] = ['auth', 'auth-conf'];

/** Records a diagnostics channel from now until `stop()`. */
export function recorder(name: string): { events: Record<string, unknown>[]; stop: () => void } {
  const events: Record<string, unknown>[] = [];
  const on = (m: unknown): void => void events.push({ ...(m as Record<string, unknown>), at: performance.now() });
  subscribe(name, on);
  return { events, stop: () => unsubscribe(name, on) };
}

export function expectNoCommonQop(e: Error & { code?: string; details?: Record<string, unknown> }, client: Qop[], server: Qop[]): void {
  expect(e.code, e.message).to.equal('SASL_NO_COMMON_QOP');
  expect(e.message).to.contain(`client accepts [${client.join(',')}]`);
  expect(e.message).to.contain(`server offers [${server.join(',')}]`);
}

/**
 * Writes core-site.xml / hdfs-site.xml for a Kerberos NameNode with
 * hadoop.rpc.protection=authentication,privacy, non-whitelist privacy and the whitelist resolver;
 * `extra` adds keys (the store, ZooKeeper). Returns the conf dir.
 */
export function writeNameNodeConf(dir: string, kdc: MiniKdc, keytab: string, extra: Record<string, string>): string {
  const confDir = join(dir, 'conf');
  mkdirSync(confDir, { recursive: true });
  const core = {
    'hadoop.security.authentication': 'kerberos',
    'hadoop.rpc.protection': 'authentication,privacy',
    'hadoop.rpc.protection.non-whitelist': 'privacy',
    'hadoop.security.saslproperties.resolver.class': 'org.apache.hadoop.security.WhitelistBasedResolver',
    ...extra,
  };
  const hdfs = {
    'dfs.namenode.rpc-address': '127.0.0.1:0',
    'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
    'dfs.namenode.keytab.file': keytab,
    'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
    'dfs.block.access.token.enable': 'true',
  };
  writeSiteXml(join(confDir, 'core-site.xml'), Object.entries(core).map(([name, value]) => ({ name, value })));
  writeSiteXml(join(confDir, 'hdfs-site.xml'), Object.entries(hdfs).map(([name, value]) => ({ name, value })));
  return confDir;
}

/** hsec clients of one NameNode from chosen loopback addresses; `close()` drops their sessions. */
export class Clients {
  readonly #open: RawSession[] = [];
  readonly #kdc: MiniKdc;
  readonly #nn: () => NameNode;

  constructor(kdc: MiniKdc, nn: () => NameNode) {
    this.#kdc = kdc;
    this.#nn = nn;
  }

  /** Kerberos (GSSAPI) from `localAddress` offering `qop` as the user of `ccache`; getDelegationToken; the negotiated QOP and the token. */
  async kerberos(ccache: string, localAddress: string, qop: Qop[]): Promise<{ qop: string | undefined; token: Uint8Array }> {
    const port = this.#nn().address.port;
    const s = await RawSession.open(port, { localAddress });
    this.#open.push(s);
    const kerberos = await kerberosCredentials(this.#kdc, ccache, 'privacy');
    const result = await s.handshake(new SaslRpcClient({ server: { host: '127.0.0.1', port }, qop, kerberos }), CLIENT_PROTOCOL);
    s.call(1, CLIENT_PROTOCOL, 'getDelegationToken', encodeGetDelegationTokenRequest('yarn'));
    const r = await s.nextPlainResponse();
    expect(r?.header).to.include({ callId: 1, status: RpcStatus.SUCCESS });
    return { qop: result.qop, token: r!.rest };
  }

  /** TOKEN (DIGEST-MD5) from `localAddress` offering `qop`, then getServerDefaults; the negotiated QOP. */
  async token(token: Token, localAddress: string, qop: Qop[]): Promise<string | undefined> {
    const port = this.#nn().address.port;
    const s = await RawSession.open(port, { localAddress });
    this.#open.push(s);
    const result = await s.handshake(new SaslRpcClient({ server: { host: '127.0.0.1', port }, qop, tokens: [token], createTokenClient: defaultTokenClient }), CLIENT_PROTOCOL);
    s.call(1, CLIENT_PROTOCOL, 'getServerDefaults', new Uint8Array(0));
    const r = await s.nextPlainResponse();
    expect(r?.header).to.include({ callId: 1, status: RpcStatus.SUCCESS });
    return result.qop;
  }

  close(): void {
    for (const s of this.#open.splice(0)) s.destroy();
  }
}

/** Polls `fn` every 20 ms until it returns true or `ms` pass; returns the time it took. */
export async function eventually(what: string, ms: number, fn: () => Promise<boolean> | boolean): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await fn()) return performance.now() - start;
    if (performance.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
