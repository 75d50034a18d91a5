/**
 * KEYRING credential caches as MIT cc_keyring.c names and stores them, through ./keyring-script.ts.
 * A residual is `anchor:collection:subsidiary`, `anchor:collection` (the collection; resolves to
 * its primary cache, named after the collection, or "tkt" when that is empty) or `collection`
 * (the legacy anchor, a session collection whose first cache is also linked into the session
 * keyring). Anchors: `session`, `user`, `persistent` (collection = a uid, default ours) and
 * `legacy`. `process` and `thread` are refused: those keyrings belong to one process and no helper
 * can reach ours. The cache name MIT prints is always the full `anchor:collection:subsidiary`.
 * Writing replaces the cache keyring's contents (keyctl clear, then the principal, the KDC offset
 * and one key per credential, each with the credential's remaining life as its timeout, and the
 * keyring with the longest, as krcc_store / update_keyring_expiration do).
 */
import { createHash, randomInt } from 'node:crypto';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { principalToString, type Credential } from '../../types.ts';
import { decodeCredential, decodePrincipal, encodeCredential, encodePrincipal, type Ccache, type CcacheCredential } from '../ccache-format.ts';
import { storeCredential } from '../ccache.ts';
import { currentUid } from '../ccache-name.ts';
import type { CcacheCollection, CredentialCache } from '../credential-cache.ts';
import { runKeyctlScript, type Possession } from './keyctl.ts';
import { decodePrimaryIndex, encodePrimaryIndex, KEYRING_SCRIPT, parseDump, type Dump } from './keyring-script.ts';

const PRINCIPAL_KEY = '__krb5_princ__';
const OFFSETS_KEY = '__krb5_time_offsets__';

type Anchor = 'session' | 'user' | 'persistent' | 'legacy';

/** A parsed residual (cc_keyring.c parse_residual). */
interface KeyringName {
  readonly anchor: Anchor;
  readonly collection: string;
  readonly subsidiary?: string;
}

function parseResidual(residual: string): KeyringName {
  const first = residual.indexOf(':');
  const anchorText = first === -1 ? 'legacy' : residual.slice(0, first);
  const rest = first === -1 ? residual : residual.slice(first + 1);
  const second = rest.indexOf(':');
  const collection = second === -1 ? rest : rest.slice(0, second);
  const subsidiary = second === -1 ? undefined : rest.slice(second + 1);
  const full = `KEYRING:${residual}`;
  if (anchorText === 'process' || anchorText === 'thread') {
    throw new KerberosError(
      'KRB_CCACHE',
      `${full}: a ${anchorText} keyring belongs to one process and hsec reaches keyrings through the keyctl tool, another process, so it cannot use it (MIT kinit's ${anchorText} cache also vanishes when kinit exits); use KEYRING:session:NAME, KEYRING:user:NAME or KEYRING:persistent:${currentUid()}`,
      { ccache: full, anchor: anchorText },
    );
  }
  if (!['session', 'user', 'persistent', 'legacy'].includes(anchorText)) {
    throw new KerberosError('KRB_CCACHE', `${full}: unknown keyring anchor '${anchorText}' (MIT knows session, user, persistent, process, thread and legacy)`, { ccache: full, anchor: anchorText });
  }
  if (anchorText === 'persistent' && collection !== '' && !/^\d+$/.test(collection)) {
    throw new KerberosError('KRB_CCACHE', `${full}: a persistent keyring collection is a numeric uid, not '${collection}'`, { ccache: full });
  }
  if (subsidiary === '') throw new KerberosError('KRB_CCACHE', `${full}: empty cache name after the collection`, { ccache: full });
  return { anchor: anchorText as Anchor, collection, ...(subsidiary !== undefined ? { subsidiary } : {}) };
}

/** Runs one script operation against the name's anchor and collection. */
function run(n: KeyringName, op: string, args: readonly string[], what: string) {
  const collectionKey = n.anchor === 'persistent' ? '_krb' : `_krb_${n.collection}`;
  const uid = n.anchor === 'persistent' ? (n.collection === '' ? String(currentUid()) : n.collection) : '';
  const possession: Possession = n.anchor === 'persistent' || n.anchor === 'user' ? 'own-session' : 'inherit';
  return runKeyctlScript(KEYRING_SCRIPT, [op, n.anchor, uid, collectionKey, ...args], possession, what);
}

async function dump(n: KeyringName, which: string, what: string): Promise<Dump> {
  return parseDump((await run(n, 'dump', [which], what)).stdout);
}

/** The primary cache of a collection (get_primary_name); the default when there is no index yet. */
function primaryOf(n: KeyringName, d: Dump): string {
  if (d.primary !== undefined) {
    const name = decodePrimaryIndex(d.primary);
    if (name === undefined) throw new KerberosError('KRB_CCACHE', `KEYRING:${n.anchor}:${n.collection}: unknown primary index version (KRB5_KCC_UNKNOWN_VERSION)`, { ccache: `KEYRING:${n.anchor}:${n.collection}` });
    return name;
  }
  return n.collection === '' ? 'tkt' : n.collection;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const secondsLeft = (endMs: number, nowMs: number) => (endMs > nowMs ? Math.ceil((endMs - nowMs) / 1000) : 0);

class KeyringCache implements CredentialCache {
  readonly type = 'KEYRING' as const;
  readonly #n: KeyringName & { readonly subsidiary: string };

  constructor(n: KeyringName & { readonly subsidiary: string }) {
    this.#n = n;
  }

  get name(): string {
    return `${this.#n.anchor}:${this.#n.collection}:${this.#n.subsidiary}`;
  }

  get fullName(): string {
    return `KEYRING:${this.name}`;
  }

  /** The cache keyring's keys, or undefined when the collection or the cache does not exist. */
  async #keys() {
    const d = await dump(this.#n, this.#n.subsidiary, `read ${this.fullName}`);
    return d.caches.find((c) => c.name === this.#n.subsidiary)?.keys;
  }

  async read(): Promise<Ccache> {
    const keys = await this.#keys();
    const princ = keys?.find((k) => k.description === PRINCIPAL_KEY && k.type === 'user');
    if (!keys || !princ) throw new KerberosError('KRB_NO_CREDENTIALS', `Credentials cache keyring '${this.name}' not found: run kinit -c ${this.fullName}`, { ccache: this.fullName });
    const offsets = keys.find((k) => k.description === OFFSETS_KEY && k.type === 'user');
    const credentials: CcacheCredential[] = [];
    for (const k of keys) {
      if (k === princ || k === offsets) continue;
      credentials.push(this.#decode(() => decodeCredential(k.payload), k.description));
    }
    const kdcOffset = offsets && offsets.payload.length >= 8 ? { seconds: offsets.payload.readInt32BE(0), microseconds: offsets.payload.readInt32BE(4) } : undefined;
    return { version: 0x0504, headerFields: [], ...(kdcOffset ? { kdcOffset } : {}), defaultPrincipal: this.#decode(() => decodePrincipal(princ.payload), PRINCIPAL_KEY), credentials };
  }

  #decode<T>(decode: () => T, key: string): T {
    try {
      return decode();
    } catch (e) {
      throw new KerberosError('KRB_CCACHE', `${this.fullName}: key '${key}' is malformed: ${(e as Error).message}`, { ccache: this.fullName }, { cause: e });
    }
  }

  async write(cc: Ccache): Promise<void> {
    const now = Date.now();
    const legacy = this.#n.anchor === 'legacy';
    const offsets = cc.kdcOffset === undefined ? '' : b64(Buffer.concat([int32(cc.kdcOffset.seconds), int32(cc.kdcOffset.microseconds)]));
    const creds = cc.credentials.flatMap((c) => [b64(principalToString(c.server)), b64(encodeCredential(c)), String(secondsLeft(c.endTime, now))]);
    const latest = Math.max(0, ...cc.credentials.map((c) => c.endTime));
    // cc_keyring.c update_keyring_expiration: the longest remaining life, 1 s when all expired.
    const keyringTimeout = latest === 0 ? 0 : Math.max(1, secondsLeft(latest, now));
    const primary = this.#n.subsidiary === primaryDefault(this.#n) ? b64(encodePrimaryIndex(this.#n.subsidiary)) : '';
    const isLegacyCache = legacy && this.#n.subsidiary === this.#n.collection;
    await run(this.#n, 'write', [this.#n.subsidiary, primary, isLegacyCache ? '1' : '0', legacy ? 'user' : 'big_key', b64(encodePrincipal(cc.defaultPrincipal)), offsets, String(keyringTimeout), ...creds], `write ${this.fullName}`);
  }

  async store(cred: Credential): Promise<void> {
    await this.write(storeCredential(await this.read(), cred));
  }

  async destroy(): Promise<boolean> {
    const legacy = this.#n.anchor === 'legacy' && this.#n.subsidiary === this.#n.collection;
    const { stdout } = await run(this.#n, 'destroy', [this.#n.subsidiary, legacy ? '1' : '0'], `destroy ${this.fullName}`);
    return stdout.includes('DESTROYED');
  }

  async changeStamp(): Promise<string | undefined> {
    const keys = await this.#keys();
    if (!keys) return undefined;
    const h = createHash('sha256');
    for (const k of keys) h.update(`${k.id}:${k.description}:`).update(k.payload);
    return h.digest('hex');
  }
}

/** The subsidiary a collection's primary index starts with (the collection name, or "tkt"). */
function primaryDefault(n: KeyringName): string {
  return n.collection === '' ? 'tkt' : n.collection;
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v | 0);
  return b;
}

/** Opens a KEYRING cache; a collection name resolves to its primary cache (krcc_resolve). */
export async function openKeyringCache(residual: string): Promise<CredentialCache> {
  const n = parseResidual(residual);
  if (n.subsidiary !== undefined) return new KeyringCache({ ...n, subsidiary: n.subsidiary });
  const d = await dump(n, '', `resolve KEYRING:${residual}`);
  return new KeyringCache({ ...n, subsidiary: primaryOf(n, d) });
}

/** The KEYRING collection of a default name, or the one cache it names (krcc_ptcursor_new). */
export function keyringCollection(residual: string): CcacheCollection {
  const n = parseResidual(residual);
  const collection = `KEYRING:${n.anchor}:${n.collection}`;
  return {
    type: 'KEYRING',
    supportsSwitch: true,
    async list() {
      const d = await dump(n, '', `list ${collection}`);
      if (n.subsidiary !== undefined) return d.caches.some((c) => c.name === n.subsidiary) ? [new KeyringCache({ ...n, subsidiary: n.subsidiary })] : [];
      const primary = primaryOf(n, d);
      const names = d.caches.map((c) => c.name);
      const ordered = [...(names.includes(primary) ? [primary] : []), ...names.filter((x) => x !== primary)];
      return ordered.map((subsidiary) => new KeyringCache({ ...n, subsidiary }));
    },
    async newUnique() {
      if (n.subsidiary !== undefined) throw new KerberosError('KRB_CCACHE', `Can't create new subsidiary cache because default cache is already a subsidiary (KEYRING:${residual})`, { ccache: `KEYRING:${residual}` });
      // cc_keyring.c unique_keyring: krb_ccache_ and 8 random characters, reserved by creating it.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      for (let i = 0; i < 100; i++) {
        const name = `krb_ccache_${Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
        const { stdout } = await run(n, 'reserve', [name], `create a cache in ${collection}`);
        if (stdout.startsWith('K ')) return new KeyringCache({ ...n, subsidiary: name });
      }
      throw new KerberosError('KRB_CCACHE', `cannot find a free cache name in ${collection}`, { ccache: collection });
    },
    async switchTo(cache) {
      const prefix = `${n.anchor}:${n.collection}:`;
      if (cache.type !== 'KEYRING' || !cache.name.startsWith(prefix)) throw new KerberosError('KRB_CCACHE', `${cache.fullName} is not a cache of ${collection}`, { ccache: cache.fullName });
      await run(n, 'switch', [b64(encodePrimaryIndex(cache.name.slice(prefix.length)))], `switch ${collection} to ${cache.fullName}`);
    },
  };
}
