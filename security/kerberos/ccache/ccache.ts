/**
 * Credential caches: reading and writing MIT FILE ccaches (./ccache-format.ts) and working with
 * their contents the way MIT does. Config entries (krb5_cc_set_config: server in realm
 * `X-CACHECONF:`, first component `krb5_ccache_conf_data`, e.g. fast_avail, pa_type,
 * refresh_time) are preserved across read/write and never chosen as tickets. Files are written
 * atomically with mode 0600. Session keys and tickets never appear in errors or logs.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { NAME_TYPE, type Credential, type Principal } from '../types.ts';
import { samePrincipal, toPrincipal } from '../keytab/principal-text.ts';
import { readSecretFile, readSecretFileSync, type SecretFileReader } from '../keytab/secret-file.ts';
import { writeSecretFile } from '../../../lib/fs/secret-file.ts';
import { osReason } from '../../../lib/fs/file-errors.ts';
import { parseCcacheBytes, serializeCcacheBytes, CCACHE_VERSION_4, type Ccache, type CcacheCredential } from './ccache-format.ts';

export type { Ccache, CcacheCredential, HeaderField, KdcOffset, TypedData } from './ccache-format.ts';

/** The realm MIT uses for config entries. */
export const CONFIG_REALM = 'X-CACHECONF:';
/** The first component of every config entry's server principal. */
export const CONFIG_PREFIX = 'krb5_ccache_conf_data';

/** Adds the ccache-only fields (empty) to a plain Credential. */
export function toCcacheCredential(c: Credential | CcacheCredential): CcacheCredential {
  const full = c as Partial<CcacheCredential>;
  return { ...c, isSkey: c.isSkey ?? false, addresses: full.addresses ?? [], authData: full.authData ?? [], secondTicket: full.secondTicket ?? Buffer.alloc(0) };
}

/** A new, empty-or-seeded cache for `defaultPrincipal`. */
export function newCcache(defaultPrincipal: Principal, credentials: readonly (Credential | CcacheCredential)[] = [], kdcOffsetMs?: number): Ccache {
  const kdcOffset = kdcOffsetMs === undefined ? undefined : { seconds: Math.trunc(kdcOffsetMs / 1000), microseconds: Math.round((kdcOffsetMs % 1000) * 1000) };
  return { version: CCACHE_VERSION_4, headerFields: [], ...(kdcOffset !== undefined ? { kdcOffset } : {}), defaultPrincipal, credentials: credentials.map(toCcacheCredential) };
}

/** The KDC time offset in ms (0 when the cache records none). */
export function kdcOffsetMs(cc: Ccache): number {
  return cc.kdcOffset === undefined ? 0 : cc.kdcOffset.seconds * 1000 + Math.trunc(cc.kdcOffset.microseconds / 1000);
}

/** True for MIT config entries (krb5_is_config_principal). */
export function isConfigCredential(c: Credential): boolean {
  return c.server.realm === CONFIG_REALM && c.server.name.components[0] === CONFIG_PREFIX;
}

export interface ConfigEntry {
  /** e.g. 'fast_avail', 'pa_type', 'refresh_time'. */
  readonly key: string;
  /** The principal the entry is about (e.g. the TGS), when it names one. */
  readonly principal?: string;
  readonly value: Buffer;
}

/** The config entries of a cache, in file order. */
export function configEntries(cc: Ccache): ConfigEntry[] {
  return cc.credentials.filter(isConfigCredential).map((c) => {
    const [, key = '', principal] = c.server.name.components;
    return { key, ...(principal !== undefined ? { principal } : {}), value: c.ticket };
  });
}

/** A copy of `cc` with config entry `key` (for `principal`) set to `value`, replacing an older one. */
export function setConfigEntry(cc: Ccache, key: string, value: Uint8Array | string, principal?: string): Ccache {
  const server: Principal = { name: { nameType: NAME_TYPE.PRINCIPAL, components: [CONFIG_PREFIX, key, ...(principal !== undefined ? [principal] : [])] }, realm: CONFIG_REALM };
  const entry: CcacheCredential = {
    client: cc.defaultPrincipal, server, sessionKey: { etype: 0, value: Buffer.alloc(0) }, authTime: 0, startTime: 0, endTime: 0, renewTill: 0,
    isSkey: false, flags: 0, addresses: [], authData: [], ticket: Buffer.from(value), secondTicket: Buffer.alloc(0),
  };
  return { ...cc, credentials: [...cc.credentials.filter((c) => !(isConfigCredential(c) && samePrincipal(c.server, server))), entry] };
}

/** The real tickets of a cache (config entries left out). */
export function tickets(cc: Ccache): CcacheCredential[] {
  return cc.credentials.filter((c) => !isConfigCredential(c));
}

/**
 * The ticket for `server` (text or Principal; a bare name takes the default principal's realm)
 * held by the cache's default principal: unexpired at `now` (ms) when given, latest end time first.
 */
export function findTicket(cc: Ccache, server: Principal | string, now?: number): CcacheCredential | undefined {
  const want = toPrincipal(server, cc.defaultPrincipal.realm);
  let best: CcacheCredential | undefined;
  for (const c of tickets(cc)) {
    if (!samePrincipal(c.server, want) || !samePrincipal(c.client, cc.defaultPrincipal)) continue;
    if (now !== undefined && c.endTime <= now) continue;
    if (best === undefined || c.endTime > best.endTime) best = c;
  }
  return best;
}

/** The TGT krbtgt/REALM@REALM for `realm` (default: the default principal's realm). */
export function findTgt(cc: Ccache, realm: string = cc.defaultPrincipal.realm, now?: number): CcacheCredential | undefined {
  return findTicket(cc, { name: { nameType: NAME_TYPE.SRV_INST, components: ['krbtgt', realm] }, realm }, now);
}

/** A copy of `cc` holding `cred`, replacing tickets for the same client and server. */
export function storeCredential(cc: Ccache, cred: Credential | CcacheCredential): Ccache {
  const kept = cc.credentials.filter((c) => isConfigCredential(c) || !(samePrincipal(c.client, cred.client) && samePrincipal(c.server, cred.server)));
  return { ...cc, credentials: [...kept, toCcacheCredential(cred)] };
}

/** Parses FILE ccache bytes (0x0504 or 0x0503). */
export function parseCcache(bytes: Uint8Array): Ccache {
  return parseCcacheBytes(bytes);
}

/** Encodes a cache as a 0x0504 FILE ccache. */
export function serializeCcache(cc: Ccache): Buffer {
  return serializeCcacheBytes(cc);
}

function readError(path: string, e: unknown): KerberosError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new KerberosError('KRB_NO_CREDENTIALS', `no credential cache at ${path}: run kinit (or log in from a keytab) first`, { ccache: path }, { cause: e });
  }
  return new KerberosError('KRB_CCACHE', `cannot read credential cache ${path}: ${osReason(e)}${code === 'EACCES' ? ' (a ccache must be readable by its owner only)' : ''}`, { ccache: path }, { cause: e });
}

const CCACHE_READER: SecretFileReader<Ccache> = { detailKey: 'ccache', parse: (bytes) => parseCcache(bytes), readError };

/** Reads a FILE ccache. A missing file is KRB_NO_CREDENTIALS; a malformed one KRB_CCACHE. */
export function readCcache(path: string): Promise<Ccache> {
  return readSecretFile(path, CCACHE_READER);
}

/** Synchronous readCcache. */
export function readCcacheSync(path: string): Ccache {
  return readSecretFileSync(path, CCACHE_READER);
}

/** Writes a FILE ccache (0x0504) atomically with mode 0600. */
export async function writeCcache(path: string, cc: Ccache): Promise<void> {
  await writeSecretFile(path, serializeCcache(cc));
}

