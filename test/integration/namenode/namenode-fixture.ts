/**
 * Test helpers for the NameNode suites: a realm with nn/localhost, users with Kerberos ccaches
 * holding a TGT and a service ticket for the NameNode (MIT kinit + kvno as real peers), NameNode
 * configurations per QOP, and the product's HdfsClient authenticating as a User from a ticket cache
 * (Kerberos) or from a token file only (TOKEN).
 */
import { join } from 'node:path';
import { loadConfiguration } from '../../../lib/config/index.ts';
import type { Configuration } from '../../../lib/config/index.ts';
import type { MiniKdc } from '../../../cluster/mini/mini-kdc.ts';
import { kinit, kvno } from '../../support/krb5-clients.ts';
import { HdfsClient } from '../../../cluster/client/hdfs-client.ts';
import { CLIENT_PROTOCOL_INFO } from '../../../cluster/protocol/client-protocol.ts';
import { callCredentials } from '../../../security/sasl/rpc/protocol-security.ts';
import type { KerberosClientCredentials } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { User } from '../../../security/identity/user.ts';
import { loadKrb5Config } from '../../../security/kerberos/config/index.ts';
import { Credentials } from '../../../security/token/credentials.ts';
import { writeTokenStorageFile } from '../../../security/token/credentials-file.ts';
import type { Token } from '../../../security/token/token.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

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
      'dfs.block.access.token.enable': 'true',
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

/** The NameNode calls the suites make. */
export type NameNodeCalls = Pick<HdfsClient, 'getDelegationToken' | 'renewDelegationToken' | 'cancelDelegationToken' | 'getServerDefaults'>;

export interface TestClient {
  /** Calls wait for the client's login and connect, so suites can write `krb('alice').getDelegationToken(...)`. */
  nn: NameNodeCalls;
  /** Closes the client's connections and its user's login. */
  close(): Promise<void>;
}

function deferred(connect: Promise<{ nn: HdfsClient; close(): void }>): TestClient {
  return {
    nn: {
      getDelegationToken: (renewer) => connect.then((c) => c.nn.getDelegationToken(renewer)),
      renewDelegationToken: (token) => connect.then((c) => c.nn.renewDelegationToken(token)),
      cancelDelegationToken: (token) => connect.then((c) => c.nn.cancelDelegationToken(token)),
      getServerDefaults: () => connect.then((c) => c.nn.getServerDefaults()),
    },
    close: () => connect.then((c) => c.close(), () => undefined),
  };
}

/** The product's HdfsClient acting as the Kerberos user whose tickets are in `ccache` (User.fromTicketCache). */
export function kerberosClient(kdc: MiniKdc, ccache: string, _user: string, address: { host: string; port: number }, protection: string): TestClient {
  const conf = clientConf(kdc, protection);
  return deferred((async () => {
    const user = await User.fromTicketCache({ ccache, krb5: loadKrb5Config(kdc.krb5ConfPath), conf, env: {} });
    const nn = await HdfsClient.connect({ conf, user, nameNode: address, timeoutMs: 20_000 });
    return { nn, close: () => (nn.close(), user.close()) };
  })());
}

/** The product's HdfsClient holding only tokens (TOKEN / DIGEST-MD5), read from a token file as a task would (User.fromTokenFile). */
export function tokenClient(kdc: MiniKdc, tokens: Token[], address: { host: string; port: number }, protection: string): TestClient {
  const conf = clientConf(kdc, protection);
  return deferred((async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hsec-token-client-')), 'tokens');
    const creds = new Credentials();
    tokens.forEach((t, i) => creds.addToken(`${t.service}#${i}`, t));
    await writeTokenStorageFile(file, creds);
    const user = await User.fromTokenFile(file);
    const nn = await HdfsClient.connect({ conf, user, nameNode: address, timeoutMs: 20_000 });
    return { nn, close: () => nn.close() };
  })());
}

/**
 * The Kerberos credentials the product's client presents (callCredentials of the User from
 * `ccache`), for suites that drive SaslRpcClient over a raw session.
 */
export async function kerberosCredentials(kdc: MiniKdc, ccache: string, protection: string): Promise<KerberosClientCredentials> {
  const conf = clientConf(kdc, protection);
  const user = await User.fromTicketCache({ ccache, krb5: loadKrb5Config(kdc.krb5ConfPath), conf, env: {} });
  return callCredentials(user, CLIENT_PROTOCOL_INFO, conf).kerberos!;
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
