/**
 * KCM credential caches, operation for operation as MIT cc_kcm.c does them, so Heimdal kcm and
 * sssd-kcm serve hsec as they serve MIT: `KCM:` is the daemon's default cache (GET_DEFAULT_CACHE),
 * `KCM:uid:name` (or any name the daemon gave) one cache. Reading is GET_PRINCIPAL (no principal:
 * not found), GET_KDC_OFFSET, then GET_CRED_LIST, or GET_CRED_UUID_LIST and GET_CRED_BY_UUID per
 * credential where the daemon lacks the MIT extension (Heimdal). Writing is REPLACE, or INITIALIZE,
 * SET_KDC_OFFSET and STORE per credential. The collection is GET_CACHE_UUID_LIST and
 * GET_CACHE_BY_UUID, the default cache first; new caches come from GEN_NEW; switching is
 * SET_DEFAULT_CACHE. One connection per operation.
 */
import { createHash } from 'node:crypto';
import { KerberosError } from '../../../../lib/errors/index.ts';
import type { Credential } from '../../types.ts';
import { decodeCredential, decodePrincipal, encodeCredential, encodePrincipal, type Ccache, type CcacheCredential } from '../ccache-format.ts';
import type { CcacheCollection, CcacheOptions, CredentialCache } from '../credential-cache.ts';
import { KcmConnection } from './kcm-client.ts';
import {
  DEFAULT_KCM_SOCKET, isUnsupported, KCM_OP, kcmCodeName, kcmName, KRB5_CC_END, KRB5_FCC_NOFILE, readCredList, readKcmName, readUuidList, replaceParams, u32, type KcmReply,
} from './kcm-protocol.ts';

const OP_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(KCM_OP).map(([k, v]) => [v, k]));

/** Runs `fn` over one connection to the daemon, closing it afterwards. */
async function withConnection<T>(socketPath: string, fn: (c: KcmConnection) => Promise<T>): Promise<T> {
  const c = await KcmConnection.open(socketPath);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

function failed(op: number, reply: KcmReply, what: string, socketPath: string): KerberosError {
  return new KerberosError('KRB_CCACHE', `KCM ${OP_NAMES[op] ?? op} for ${what} failed: ${kcmCodeName(reply.status)} (daemon at ${socketPath})`, { kcmSocket: socketPath, status: reply.status });
}

/** A call that must succeed. */
async function must(c: KcmConnection, op: number, what: string, ...params: Buffer[]): Promise<Buffer> {
  const r = await c.call(op, ...params);
  if (r.status !== 0) throw failed(op, r, what, c.socketPath);
  return r.body;
}

function malformed(what: string, e: unknown): KerberosError {
  return new KerberosError('KRB_CCACHE', `KCM reply for ${what} is malformed: ${(e as Error).message}`, {}, { cause: e });
}

class KcmCache implements CredentialCache {
  readonly type = 'KCM' as const;
  readonly name: string;
  readonly #socket: string;

  constructor(name: string, socketPath: string) {
    this.name = name;
    this.#socket = socketPath;
  }

  get fullName(): string {
    return `KCM:${this.name}`;
  }

  read(): Promise<Ccache> {
    return withConnection(this.#socket, async (c) => {
      const p = await c.call(KCM_OP.GET_PRINCIPAL, kcmName(this.name));
      // Heimdal can answer 0 with no principal for an uninitialised cache (cc_kcm.c kcm_get_princ).
      if ((p.status === 0 && p.body.length === 0) || p.status === KRB5_FCC_NOFILE) {
        throw new KerberosError('KRB_NO_CREDENTIALS', `Credentials cache '${this.fullName}' not found: run kinit -c ${this.fullName}`, { ccache: this.fullName });
      }
      if (p.status !== 0) throw failed(KCM_OP.GET_PRINCIPAL, p, this.fullName, this.#socket);
      let defaultPrincipal;
      try {
        defaultPrincipal = decodePrincipal(p.body);
      } catch (e) {
        throw malformed(this.fullName, e);
      }
      const off = await c.call(KCM_OP.GET_KDC_OFFSET, kcmName(this.name));
      const kdcOffset = off.status === 0 && off.body.length >= 4 ? { seconds: off.body.readInt32BE(0), microseconds: 0 } : undefined;
      const credentials = await this.#credentials(c);
      return { version: 0x0504, headerFields: [], ...(kdcOffset && kdcOffset.seconds !== 0 ? { kdcOffset } : {}), defaultPrincipal, credentials };
    });
  }

  async #credentials(c: KcmConnection): Promise<CcacheCredential[]> {
    const list = await c.call(KCM_OP.GET_CRED_LIST, kcmName(this.name));
    let encoded: Buffer[];
    if (list.status === 0) {
      encoded = readCredList(list.body);
    } else if (isUnsupported(list.status)) {
      const uuids = readUuidList(await must(c, KCM_OP.GET_CRED_UUID_LIST, this.fullName, kcmName(this.name)));
      encoded = [];
      for (const uuid of uuids) {
        const r = await c.call(KCM_OP.GET_CRED_BY_UUID, kcmName(this.name), uuid);
        if (r.status === KRB5_CC_END || r.status === KRB5_FCC_NOFILE) continue; // removed meanwhile
        if (r.status !== 0) throw failed(KCM_OP.GET_CRED_BY_UUID, r, this.fullName, this.#socket);
        encoded.push(r.body);
      }
    } else {
      throw failed(KCM_OP.GET_CRED_LIST, list, this.fullName, this.#socket);
    }
    try {
      return encoded.map((b) => decodeCredential(b));
    } catch (e) {
      throw malformed(this.fullName, e);
    }
  }

  write(cc: Ccache): Promise<void> {
    return withConnection(this.#socket, async (c) => {
      const name = kcmName(this.name);
      const principal = encodePrincipal(cc.defaultPrincipal);
      const creds = cc.credentials.map((x) => encodeCredential(x));
      const offset = cc.kdcOffset?.seconds ?? 0;
      const replaced = await c.call(KCM_OP.REPLACE, name, ...replaceParams(offset, principal, creds));
      if (replaced.status === 0) return;
      if (!isUnsupported(replaced.status)) throw failed(KCM_OP.REPLACE, replaced, this.fullName, this.#socket);
      // cc_kcm.c kcm_replace falls back to k5_nonatomic_replace: initialize, then store each.
      await must(c, KCM_OP.INITIALIZE, this.fullName, name, principal);
      if (offset !== 0) await c.call(KCM_OP.SET_KDC_OFFSET, name, u32(offset));
      for (const cred of creds) await must(c, KCM_OP.STORE, this.fullName, name, cred);
    });
  }

  store(cred: Credential): Promise<void> {
    return withConnection(this.#socket, async (c) => {
      await must(c, KCM_OP.STORE, this.fullName, kcmName(this.name), encodeCredential(cred));
    });
  }

  destroy(): Promise<boolean> {
    return withConnection(this.#socket, async (c) => {
      const r = await c.call(KCM_OP.DESTROY, kcmName(this.name));
      if (r.status === KRB5_FCC_NOFILE || r.status === KRB5_CC_END) return false;
      if (r.status !== 0) throw failed(KCM_OP.DESTROY, r, this.fullName, this.#socket);
      return true;
    });
  }

  async changeStamp(): Promise<string | undefined> {
    try {
      const cc = await this.read();
      const h = createHash('sha256').update(encodePrincipal(cc.defaultPrincipal));
      for (const c of cc.credentials) h.update(encodeCredential(c));
      return h.digest('hex');
    } catch (e) {
      if (e instanceof KerberosError && e.code === 'KRB_NO_CREDENTIALS') return undefined;
      throw e;
    }
  }
}

function socketOf(opts: CcacheOptions): string {
  return opts.krb5Config?.kcmSocket ?? DEFAULT_KCM_SOCKET;
}

/** `KCM:` is the daemon's default cache; any other residual names one cache. */
export async function openKcmCache(residual: string, opts: CcacheOptions = {}): Promise<CredentialCache> {
  const socketPath = socketOf(opts);
  if (residual !== '') return new KcmCache(residual, socketPath);
  const name = await withConnection(socketPath, async (c) => readKcmName(await must(c, KCM_OP.GET_DEFAULT_CACHE, 'KCM:')));
  return new KcmCache(name, socketPath);
}

/** The daemon's caches for us, the default first (cc_kcm.c kcm_ptcursor_new / next); `KCM:name` is a singleton. */
export function kcmCollection(residual: string, opts: CcacheOptions = {}): CcacheCollection {
  const socketPath = socketOf(opts);
  return {
    type: 'KCM',
    supportsSwitch: true,
    list: () =>
      withConnection(socketPath, async (c) => {
        const exists = async (name: string) => (await c.call(KCM_OP.GET_PRINCIPAL, kcmName(name))).status === 0;
        if (residual !== '') return (await exists(residual)) ? [new KcmCache(residual, socketPath)] : [];
        const list = await c.call(KCM_OP.GET_CACHE_UUID_LIST);
        if (list.status === KRB5_FCC_NOFILE) return [];
        if (list.status !== 0) throw failed(KCM_OP.GET_CACHE_UUID_LIST, list, 'KCM:', socketPath);
        const uuids = readUuidList(list.body);
        const primary = readKcmName(await must(c, KCM_OP.GET_DEFAULT_CACHE, 'KCM:'));
        const out: CredentialCache[] = (await exists(primary)) ? [new KcmCache(primary, socketPath)] : [];
        for (const uuid of uuids) {
          const r = await c.call(KCM_OP.GET_CACHE_BY_UUID, uuid);
          if (r.status === KRB5_CC_END || r.status === KRB5_FCC_NOFILE) continue;
          if (r.status !== 0) throw failed(KCM_OP.GET_CACHE_BY_UUID, r, 'KCM:', socketPath);
          const name = readKcmName(r.body);
          if (name !== primary) out.push(new KcmCache(name, socketPath));
        }
        return out;
      }),
    newUnique: () => withConnection(socketPath, async (c) => new KcmCache(readKcmName(await must(c, KCM_OP.GEN_NEW, 'a new KCM cache')), socketPath)),
    switchTo: (cache) =>
      withConnection(socketPath, async (c) => {
        if (cache.type !== 'KCM') throw new KerberosError('KRB_CCACHE', `${cache.fullName} is not a KCM cache`, { ccache: cache.fullName });
        await must(c, KCM_OP.SET_DEFAULT_CACHE, cache.fullName, kcmName(cache.name));
      }),
  };
}
