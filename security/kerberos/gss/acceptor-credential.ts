/**
 * Acceptor credentials (RFC 2743 GSS_Acquire_cred with usage ACCEPT): the long-term keys of one
 * or more service principals, typically read from a keytab, plus the acceptor policy shared by
 * every context accepted with them: the clock, the allowed clock skew (default 300 s, as MIT's
 * clockskew and the JDK's) and one replay cache. A process may hold several of these (different
 * principals, keytabs and realms); nothing is global. Key lookup follows MIT's
 * krb5_rd_req_decoded: the entry for the ticket's server, etype and kvno; a kvno mismatch means
 * the keytab is stale and is reported with both kvnos.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { readKeytabSync } from '../keytab/index.ts';
import { principalToString, type EncryptionKey, type Principal } from '../types.ts';
import { ReplayCache } from './replay-cache.ts';

/** One long-term key of a service principal. */
export interface ServiceKey {
  readonly principal: Principal;
  readonly kvno: number;
  readonly key: EncryptionKey;
}

export interface AcceptorCredentialOptions {
  readonly clock?: Clock;
  /** Allowed clock skew in seconds (krb5.conf clockskew). Default 300. */
  readonly skewSeconds?: number;
  /** A replay cache to share; default one per credential. */
  readonly replayCache?: ReplayCache;
}

export interface KeytabCredentialOptions extends AcceptorCredentialOptions {
  /** Only accept for these principals ('nn/localhost@REALM'); default every principal in the keytab. */
  readonly principals?: readonly string[];
}

export class AcceptorCredential {
  readonly clock: Clock;
  readonly skewSeconds: number;
  readonly replayCache: ReplayCache;
  readonly #keys: readonly ServiceKey[];
  readonly #source: string;

  constructor(keys: readonly ServiceKey[], opts: AcceptorCredentialOptions = {}, source = 'the supplied keys') {
    if (keys.length === 0) {
      throw new KerberosError('KRB_KEYTAB', `No service keys in ${source}: the acceptor cannot decrypt any ticket`, { keytab: source });
    }
    this.#keys = keys;
    this.#source = source;
    this.clock = opts.clock ?? systemClock;
    this.skewSeconds = opts.skewSeconds ?? 300;
    this.replayCache = opts.replayCache ?? new ReplayCache({ clock: this.clock, skewSeconds: this.skewSeconds });
  }

  /**
   * Reads acceptor keys from one keytab file (MIT format) or several (their keys are merged: one
   * credential for services in different keytabs or realms), optionally restricted to some principals.
   */
  static fromKeytab(path: string | readonly string[], opts: KeytabCredentialOptions = {}): AcceptorCredential {
    const paths = typeof path === 'string' ? [path] : [...path];
    let entries: ServiceKey[] = paths.flatMap((p) => readKeytabSync(p).entries.map((e) => ({ principal: e.principal, kvno: e.kvno, key: e.key })));
    const source = `keytab ${paths.join(', ')}`;
    const wanted = opts.principals;
    if (wanted) entries = entries.filter((e) => wanted.includes(principalToString(e.principal)));
    if (entries.length === 0 && wanted) {
      throw new KerberosError('KRB_KEYTAB', `${source} has no keys for ${wanted.join(', ')}; export them with kadmin ktadd`, {
        keytab: paths.join(', '),
        principals: [...wanted],
      });
    }
    return new AcceptorCredential(entries, opts, source);
  }

  /** The principals this credential accepts for. */
  get principals(): string[] {
    return [...new Set(this.#keys.map((k) => principalToString(k.principal)))];
  }

  /** The key for a ticket to `server` encrypted with `etype` under `kvno` (absent: the newest). */
  findKey(server: Principal, etype: number, kvno: number | undefined): { key: EncryptionKey; kvno: number } {
    const name = principalToString(server);
    const mine = this.#keys.filter((k) => principalToString(k.principal) === name);
    if (mine.length === 0) {
      throw new KerberosError(
        'KRB_KEYTAB',
        `Ticket is for ${name}, but ${this.#source} holds keys only for ${this.principals.join(', ')} ` +
          '(KRB_AP_ERR_NOT_US): the client asked for the wrong service principal, or the keytab is for another host',
        { principal: name, keytab: this.#source },
      );
    }
    const ofType = mine.filter((k) => k.key.etype === etype);
    if (ofType.length === 0) {
      throw new KerberosError(
        'KRB_ENCTYPE_UNSUPPORTED',
        `Ticket for ${name} is encrypted with etype ${etype}, but ${this.#source} has keys for etypes ` +
          `${[...new Set(mine.map((k) => k.key.etype))].join(', ')} only: re-export the keytab with that enctype`,
        { principal: name, etype, keytab: this.#source },
      );
    }
    const best = ofType.reduce((a, b) => (b.kvno > a.kvno ? b : a));
    if (kvno === undefined) return { key: best.key, kvno: best.kvno };
    // Keytabs store kvno modulo 256 in the 8-bit field when the 32-bit one is absent.
    const match = ofType.find((k) => k.kvno === kvno || (k.kvno < 256 && k.kvno === (kvno & 0xff)));
    if (!match) {
      const have = [...new Set(ofType.map((k) => k.kvno))].sort((a, b) => a - b);
      throw new KerberosError(
        'KRB_KEYTAB',
        `Keytab is stale: ticket for ${name} uses key version ${kvno}, but ${this.#source} has kvno ${have.join(', ')} ` +
          `for etype ${etype} (KRB_AP_ERR_BADKEYVER). The principal's keys changed after the keytab was exported: export it again`,
        { principal: name, ticketKvno: kvno, keytabKvno: have.map(String), etype, keytab: this.#source },
      );
    }
    return { key: match.key, kvno: match.kvno };
  }
}
