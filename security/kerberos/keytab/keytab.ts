/**
 * Keytabs: reading and writing MIT keytab files (./keytab-format.ts) and choosing a key the way
 * MIT krb5_kt_get_entry does: match the principal (realm and components), the enctype when
 * given, and the kvno when given, otherwise the highest kvno. The JDK's KeyTab and Hadoop's
 * keytab logins read the same files. Key bytes never appear in errors or logs.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { principalToString, type EncryptionKey, type Principal } from '../types.ts';
import { isSupportedEtype, supportedEtypes } from '../crypto/registry.ts';
import { enctypeName } from '../crypto/enctype-names.ts';
import { parseKeytabEntries, serializeKeytabEntries, type KeytabEntry } from './keytab-format.ts';
import { samePrincipal, toPrincipal } from './principal-text.ts';
import { readSecretFile, readSecretFileSync, type SecretFileReader } from './secret-file.ts';
import { writeSecretFile, writeSecretFileSync } from '../../../lib/fs/secret-file.ts';

export type { KeytabEntry } from './keytab-format.ts';

/** Rank of an etype for choosing among equal kvnos: our strongest-first order, unsupported last. */
function strength(etype: number): number {
  const i = supportedEtypes.indexOf(etype);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}

export class Keytab {
  readonly entries: readonly KeytabEntry[];
  /** Where the keytab was read from, for messages (undefined when parsed from bytes). */
  readonly path: string | undefined;

  constructor(entries: readonly KeytabEntry[], path?: string) {
    this.entries = Object.freeze([...entries]);
    this.path = path;
  }

  /** The distinct principals in the keytab, in file order. */
  principals(): Principal[] {
    const out: Principal[] = [];
    for (const e of this.entries) if (!out.some((p) => samePrincipal(p, e.principal))) out.push(e.principal);
    return out;
  }

  /** Every entry of `principal` (text or Principal), in file order. */
  entriesFor(principal: Principal | string): KeytabEntry[] {
    const p = toPrincipal(principal, this.#defaultRealm());
    return this.entries.filter((e) => samePrincipal(e.principal, p));
  }

  /**
   * The entry for `principal` with `etype` (any supported etype when omitted, strongest first) and
   * `kvno` (the highest when omitted); undefined when none matches.
   */
  findKey(principal: Principal | string, etype?: number, kvno?: number): KeytabEntry | undefined {
    const candidates = this.entriesFor(principal).filter(
      (e) => (etype === undefined ? isSupportedEtype(e.key.etype) : e.key.etype === etype) && (kvno === undefined || e.kvno === kvno),
    );
    let best: KeytabEntry | undefined;
    for (const e of candidates) {
      // Later entries win ties, as MIT's kt_file scan keeps the last of equal kvnos.
      if (best === undefined || e.kvno > best.kvno || (e.kvno === best.kvno && strength(e.key.etype) <= strength(best.key.etype))) best = e;
    }
    return best;
  }

  /** Like findKey but throws KRB_KEYTAB naming what is there when nothing matches. */
  requireKey(principal: Principal | string, etype?: number, kvno?: number): EncryptionKey & { kvno: number } {
    const found = this.findKey(principal, etype, kvno);
    if (found !== undefined) return { ...found.key, kvno: found.kvno };
    const p = toPrincipal(principal, this.#defaultRealm());
    const name = principalToString(p);
    const present = this.entriesFor(p).map((e) => `kvno ${e.kvno} etype ${e.key.etype}`);
    const where = this.path ?? 'the keytab';
    const wanted = [etype !== undefined ? `etype ${etype}` : 'a supported AES etype', kvno !== undefined ? `kvno ${kvno}` : 'any kvno'].join(', ');
    const has = present.length === 0 ? `it has no entries for ${name}; principals present: ${this.principals().map(principalToString).join(', ') || 'none'}` : `it has ${present.join('; ')}`;
    throw new KerberosError('KRB_KEYTAB', `no key for ${name} (${wanted}) in ${where}: ${has}. Re-export the keytab (kadmin ktadd -norandkey) or check the service principal`, {
      principal: name,
      etype,
      kvno,
      keytab: this.path,
    });
  }

  /**
   * What the keytab holds, for messages: "alice@R kvno 1 aes256-cts-hmac-sha1-96, ..." (at most
   * `limit` entries, then how many more), or "no entries".
   */
  describeEntries(limit = 8): string {
    if (this.entries.length === 0) return 'no entries';
    // one item per principal and kvno, its enctypes together: "alice@R kvno 1 (aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96)"
    const groups = new Map<string, string[]>();
    for (const e of this.entries) {
      const key = `${principalToString(e.principal)} kvno ${e.kvno}`;
      groups.set(key, [...(groups.get(key) ?? []), enctypeName(e.key.etype)]);
    }
    const all = [...groups].map(([key, etypes]) => `${key} (${etypes.join(', ')})`);
    const shown = all.slice(0, limit);
    const more = all.length - shown.length;
    return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
  }

  /**
   * KRB_KEYTAB_NO_ENTRY: the keytab holds nothing for `principal` (MIT kinit: "Keytab contains no
   * suitable keys for ..."), naming what it holds instead.
   */
  noEntryError(principal: Principal): KerberosError {
    const name = principalToString(principal);
    const where = this.path ?? 'the keytab';
    return new KerberosError(
      'KRB_KEYTAB_NO_ENTRY',
      `no entry for ${name} in ${where} (it holds: ${this.describeEntries()}). Name a principal the keytab holds, or add the keys of ${name} to it (kadmin: ktadd -k ${where} -norandkey ${name})`,
      { principal: name, keytab: this.path, held: this.principals().map(principalToString) },
    );
  }

  /** A new keytab with `entries` appended. */
  with(...entries: KeytabEntry[]): Keytab {
    return new Keytab([...this.entries, ...entries], this.path);
  }

  #defaultRealm(): string | undefined {
    return this.entries[0]?.principal.realm;
  }
}

/** Parses keytab bytes (MIT format 0x0502 or 0x0501). */
export function parseKeytab(bytes: Uint8Array, path?: string): Keytab {
  return new Keytab(parseKeytabEntries(bytes), path);
}

function readError(path: string, e: unknown): KerberosError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new KerberosError('KRB_KEYTAB_NOT_FOUND', `keytab ${path} does not exist: check the path (kinit -t, KRB5_KTNAME, dfs.namenode.keytab.file) or export one (kadmin: ktadd -k ${path} PRINCIPAL)`, { keytab: path }, { cause: e });
  }
  return new KerberosError('KRB_KEYTAB', `cannot read keytab ${path}: ${code === 'EACCES' ? 'permission denied (keytabs should be 0600 and owned by the service user)' : code === 'EISDIR' ? 'it is a directory' : String((e as Error).message)}`, { keytab: path }, { cause: e });
}

const KEYTAB_READER: SecretFileReader<Keytab> = { detailKey: 'keytab', parse: parseKeytab, readError };

/** Reads and parses a keytab file. */
export function readKeytab(path: string): Promise<Keytab> {
  return readSecretFile(path, KEYTAB_READER);
}

/** Synchronous readKeytab. */
export function readKeytabSync(path: string): Keytab {
  return readSecretFileSync(path, KEYTAB_READER);
}

/** Encodes entries as a 0x0502 keytab. */
export function serializeKeytab(entries: readonly KeytabEntry[] | Keytab): Buffer {
  return serializeKeytabEntries(entries instanceof Keytab ? entries.entries : entries);
}

/** Writes a keytab atomically with mode 0600. */
export async function writeKeytab(path: string, entries: readonly KeytabEntry[] | Keytab): Promise<void> {
  await writeSecretFile(path, serializeKeytab(entries));
}

/** Synchronous writeKeytab. */
export function writeKeytabSync(path: string, entries: readonly KeytabEntry[] | Keytab): void {
  writeSecretFileSync(path, serializeKeytab(entries));
}
