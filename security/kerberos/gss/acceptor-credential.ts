/**
 * Acceptor credentials (RFC 2743 GSS_Acquire_cred with usage ACCEPT): the long-term keys of one
 * or more service principals, typically read from a keytab, plus the acceptor policy shared by
 * every context accepted with them: the clock, the allowed clock skew, the permitted enctypes and
 * one replay cache. Given a Krb5Config, the skew is its [libdefaults] clockskew and the permitted
 * enctypes its permitted_enctypes (what MIT's krb5_rd_req reads from the context); explicit
 * options win; with neither the skew is 300 s (MIT's and the JDK's default) and every enctype we
 * implement is permitted. A process may hold several of these (different
 * principals, keytabs and realms); nothing is global. Key lookup follows MIT's
 * krb5_rd_req_decoded: the entry for the ticket's server, etype and kvno; a kvno mismatch means
 * the keytab is stale and is reported with both kvnos.
 */
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
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
  /**
   * krb5.conf whose [libdefaults] clockskew and permitted_enctypes become this credential's
   * defaults (pass loadKrb5Config()); `skewSeconds` / `permittedEnctypes` below still win.
   */
  readonly krb5Config?: Krb5Config;
  /** Allowed clock skew in seconds. Default krb5Config's clockskew, else 300. */
  readonly skewSeconds?: number;
  /**
   * Enctypes a ticket, its session key and the authenticator subkey may use (krb5.conf
   * permitted_enctypes). Default krb5Config's permitted_enctypes, else any enctype we implement.
   */
  readonly permittedEnctypes?: readonly number[];
  /** A replay cache to share; default one per credential. */
  readonly replayCache?: ReplayCache;
}

export interface KeytabCredentialOptions extends AcceptorCredentialOptions {
  /** Only accept for these principals ('nn/localhost@REALM'); default every principal in the keytab. */
  readonly principals?: readonly string[];
}

/** The acceptor policy a context applies: skew and permitted enctypes. */
export interface AcceptorPolicy {
  readonly skewSeconds: number;
  /** undefined: every enctype we implement. */
  readonly permittedEnctypes: readonly number[] | undefined;
}

export class AcceptorCredential {
  readonly clock: Clock;
  readonly skewSeconds: number;
  /** Permitted enctypes; undefined means every enctype we implement. */
  readonly permittedEnctypes: readonly number[] | undefined;
  readonly replayCache: ReplayCache;
  readonly #keys: readonly ServiceKey[];
  readonly #source: string;
  readonly #explicitSkew: boolean;
  readonly #explicitPermitted: boolean;

  constructor(keys: readonly ServiceKey[], opts: AcceptorCredentialOptions = {}, source = 'the supplied keys') {
    if (keys.length === 0) {
      throw new KerberosError('KRB_KEYTAB', `No service keys in ${source}: the acceptor cannot decrypt any ticket`, { keytab: source });
    }
    this.#keys = keys;
    this.#source = source;
    this.clock = opts.clock ?? systemClock;
    this.#explicitSkew = opts.skewSeconds !== undefined;
    this.#explicitPermitted = opts.permittedEnctypes !== undefined;
    const policy = policyFrom(opts.krb5Config, { skewSeconds: opts.skewSeconds ?? 300, permittedEnctypes: opts.permittedEnctypes });
    this.skewSeconds = opts.skewSeconds ?? policy.skewSeconds;
    this.permittedEnctypes = opts.permittedEnctypes ?? policy.permittedEnctypes;
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

  /**
   * The policy for a context given a krb5.conf at accept time (the GSSAPI SASL server's
   * `krb5Config`): options given explicitly to this credential win, then `conf`, then ours.
   */
  policy(conf?: Krb5Config): AcceptorPolicy {
    const mine: AcceptorPolicy = { skewSeconds: this.skewSeconds, permittedEnctypes: this.permittedEnctypes };
    if (!conf) return mine;
    const fromConf = policyFrom(conf, mine);
    return {
      skewSeconds: this.#explicitSkew ? this.skewSeconds : fromConf.skewSeconds,
      permittedEnctypes: this.#explicitPermitted ? this.permittedEnctypes : fromConf.permittedEnctypes,
    };
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

/** clockskew (ms in Krb5Config, whole seconds here) and permitted_enctypes of `conf`, else `dflt`. */
function policyFrom(conf: Krb5Config | undefined, dflt: AcceptorPolicy): AcceptorPolicy {
  if (!conf) return dflt;
  return { skewSeconds: Math.floor(conf.clockSkewMs / 1000), permittedEnctypes: conf.permittedEnctypes };
}
