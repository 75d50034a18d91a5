/**
 * Test helpers for the NameNode suites: a realm with nn/localhost, users with Kerberos ccaches
 * holding a TGT and a service ticket for the NameNode (MIT kinit + kvno as real peers), NameNode
 * configurations per QOP, and RPC clients authenticating with Kerberos or with a token only.
 */
import { join } from 'node:path';
import { loadConfiguration } from '../../../lib/config/index.ts';
import type { Configuration } from '../../../lib/config/index.ts';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { kinit, kvno } from '../../support/krb5-clients.ts';
import { RpcClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { createClientResolver } from '../../../security/resolver/index.ts';
import { ClientProtocolClient } from '../../../cluster/protocol/client-protocol-client.ts';
import { ccacheTicketSource, kerberosClientCredentials } from '../../../cluster/namenode/client-credentials.ts';
import type { Token } from '../../../security/token/token.ts';

export const PROTECTION = { auth: 'authentication', 'auth-int': 'integrity', 'auth-conf': 'privacy' } as const;
export type QopName = keyof typeof PROTECTION;

/** A Kerberos NameNode configuration; `extra` adds or replaces keys (e.g. ipc.maximum.data.length). */
export function nnConf(kdc: MiniKdc, dir: string, keytab: string, protection: string, port = 0, extra: Record<string, string> = {}): Configuration {
  return loadConfiguration({
    env: {},
    overrides: {
      'hadoop.security.authentication': 'kerberos',
      'hadoop.rpc.protection': protection,
      'dfs.namenode.rpc-address': `127.0.0.1:${port}`,
      'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
      'dfs.namenode.keytab.file': keytab,
      'dfs.namenode.name.dir': `file://${join(dir, 'name')}`,
      ...extra,
    },
  });
}

/** Creates `user` with a password, kinits into its own ccache and (by default) gets a ticket for nn/localhost with kvno. */
export async function loginUser(kdc: MiniKdc, dir: string, user: string, opts: { serviceTicket?: boolean } = {}): Promise<string> {
  const password = `pw-${user}-secret`;
  if (!(await kdc.hasPrincipal(user))) await kdc.addPrincipal(user, { password });
  const ccache = join(dir, `cc-${user.replace(/\W/g, '_')}`);
  const env = kdc.env(ccache);
  await kinit(env, [kdc.principal(user)], `${password}\n`);
  if (opts.serviceTicket !== false) await kvno(env, `nn/localhost@${kdc.realm}`);
  return ccache;
}

export interface TestClient {
  nn: ClientProtocolClient;
  rpc: RpcClient;
}

/** A ClientProtocol client authenticating with the Kerberos identity in `ccache`. */
export function kerberosClient(kdc: MiniKdc, ccache: string, user: string, address: { host: string; port: number }, protection: string): TestClient {
  const conf = clientConf(kdc, protection);
  const rpc = new RpcClient({ resolver: createClientResolver(conf) });
  const kerberos = kerberosClientCredentials(kdc.principal(user), ccacheTicketSource(ccache), conf);
  return { rpc, nn: new ClientProtocolClient({ rpc, address, credentials: { kerberos }, timeoutMs: 20_000 }) };
}

/** A ClientProtocol client holding only tokens (TOKEN / DIGEST-MD5). */
export function tokenClient(kdc: MiniKdc, tokens: Token[], address: { host: string; port: number }, protection: string): TestClient {
  const conf = clientConf(kdc, protection);
  const rpc = new RpcClient({ resolver: createClientResolver(conf) });
  return { rpc, nn: new ClientProtocolClient({ rpc, address, credentials: { tokens, tokenKind: 'HDFS_DELEGATION_TOKEN' }, timeoutMs: 20_000 }) };
}

export function clientConf(kdc: MiniKdc, protection: string): Configuration {
  return loadConfiguration({
    env: {},
    overrides: {
      'hadoop.security.authentication': 'kerberos',
      'hadoop.rpc.protection': protection,
      'dfs.namenode.kerberos.principal': `nn/localhost@${kdc.realm}`,
    },
  });
}

/** Awaits a rejection and returns the error. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected the call to fail');
}
