/**
 * The AS exchange (RFC 4120 section 3.1; MIT get_in_tkt.c): an AS-REQ for krbtgt/REALM without
 * pre-authentication; on KDC_ERR_PREAUTH_REQUIRED the ETYPE-INFO2 of the error's METHOD-DATA
 * gives the etype, salt and s2kparams (section 5.2.7.5), from which we take the keytab key or
 * derive the password key, and send PA-ENC-TIMESTAMP (section 5.2.7.2, key usage 1). The AS-REP
 * enc-part must be in an offered etype (MIT check_reply_enctype), is decrypted with the same key
 * (usage 3) and checked (nonce, client, server; with kdc_timesync off, starttime within clockskew
 * as MIT verify_as_reply does; with it on, the offset is reported in kdcOffsetMs). States:
 * INITIAL (no padata) -> PREAUTH (PA-ENC-TIMESTAMP sent) -> an AS-REP; any other answer is a typed error.
 */
import { randomInt } from 'node:crypto';
import { KerberosError } from '../../../lib/errors/index.ts';
import { systemClock, type Clock } from '../../../lib/time/clock.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import { NAME_TYPE, principalToString, type Credential, type EncryptionKey, type Principal } from '../types.ts';
import type { Krb5Config } from '../config/krb5-conf.ts';
import { getProfile, isSupportedEtype } from '../crypto/registry.ts';
import { enctypeName } from '../crypto/enctype-names.ts';
import { KEY_USAGE } from '../crypto/key-usage.ts';
import type { Keytab } from '../keytab/keytab.ts';
import { KDC_OPTIONS } from '../messages/flags.ts';
import { MSG_TYPE, PA_TYPE } from '../messages/constants.ts';
import { KRB_ERROR_CODE } from '../messages/error-codes.ts';
import { encodeKdcReq, type KdcReqBody } from '../messages/kdc-req.ts';
import type { KdcRep } from '../messages/kdc-rep.ts';
import { decodeEtypeInfo2, decodeMethodData, encodePaEncTsEnc, type EtypeInfo2Entry, type PaData } from '../messages/pa-data.ts';
import { encodeEncryptedData } from '../messages/encryption.ts';
import { kdcErrorToException } from './kdc-errors.ts';
import { checkReply, checkReplyEnctype, checkReplySkew, decryptEncPart, readKdcAnswer, toCredential } from './kdc-reply.ts';
import { ConfiguredTransport, type KdcTransport } from './transport.ts';

const log = getLogger('kerberos.as');

export type ClientSecret = { readonly keytab: Keytab } | { readonly password: string };

export interface AsRequestOptions {
  readonly client: Principal;
  readonly secret: ClientSecret;
  readonly conf: Krb5Config;
  /** Default krbtgt/REALM@REALM. */
  readonly server?: Principal;
  readonly clock?: Clock;
  readonly transport?: KdcTransport;
  /** Requested lifetime in ms (default krb5.conf ticket_lifetime). */
  readonly lifetimeMs?: number;
  /** Requested renewable lifetime in ms (default krb5.conf renew_lifetime; 0 = not renewable). */
  readonly renewLifetimeMs?: number;
  readonly forwardable?: boolean;
  /** Ask for a proxiable ticket (default krb5.conf proxiable). */
  readonly proxiable?: boolean;
  /** Etypes to offer (default krb5.conf default_tkt_enctypes). */
  readonly etypes?: readonly number[];
}

export interface AsResult {
  readonly credential: Credential;
  /** The KDC that answered, host:port/proto. */
  readonly kdc: string;
  /** KDC time minus our time at the reply, ms (from authtime; coarse, whole seconds). */
  readonly kdcOffsetMs: number;
}

enum State {
  INITIAL = 'INITIAL',
  PREAUTH = 'PREAUTH',
}

export const tgsPrincipal = (realm: string, issuer = realm): Principal => ({ name: { nameType: NAME_TYPE.SRV_INST, components: ['krbtgt', realm] }, realm: issuer });

/** The default salt: realm followed by the name components (RFC 4120 section 4). */
export const defaultSalt = (p: Principal) => p.realm + p.name.components.join('');

/** Runs the AS exchange and returns the initial ticket (a TGT unless `server` says otherwise). */
export async function requestInitialTicket(opts: AsRequestOptions): Promise<AsResult> {
  const clock = opts.clock ?? systemClock;
  const transport = opts.transport ?? new ConfiguredTransport(opts.conf);
  const realm = opts.client.realm;
  const server = opts.server ?? tgsPrincipal(realm);
  const etypes = offeredEtypes(opts);
  let body: KdcReqBody;
  const ctx = (kdc: string, extra: { kvno?: number } = {}) => ({
    realm, kdc, client: opts.client, server, now: clock.now(), requestedEtypes: etypes, operation: 'AS exchange',
    ...('keytab' in opts.secret ? { keytab: opts.secret.keytab.path ?? 'keytab' } : {}), ...extra,
  });

  let state = State.INITIAL;
  let padata: PaData[] = [];
  let usedKey: (EncryptionKey & { kvno?: number }) | undefined;
  let etypeInfo: EtypeInfo2Entry[] = [];
  for (;;) {
    const requestTime = clock.now();
    // Each request gets its own times and nonce, as MIT's init_creds_step_request (set_request_times,
    // pick_nonce): a ticket asked for `-l 1h30m` lasts 1h30m from the request the KDC answers, even
    // when pre-authentication took a second round trip across a second boundary.
    body = buildBody(opts, server, etypes, requestTime);
    const { reply, kdc } = await transport.send(realm, encodeKdcReq({ msgType: MSG_TYPE.AS_REQ, padata, reqBody: body }));
    const answer = readKdcAnswer(reply, MSG_TYPE.AS_REP, kdc);
    if (answer.kind === 'error') {
      const code = answer.error.errorCode;
      if (state === State.INITIAL && code === KRB_ERROR_CODE.KDC_ERR_PREAUTH_REQUIRED) {
        const methods = answer.error.eData?.length ? decodeMethodData(answer.error.eData) : [];
        requireEncTimestamp(opts, methods, etypes, kdc);
        etypeInfo = etypeInfoFrom(methods);
        usedKey = clientKey(opts, etypeInfo, etypes, kdc);
        padata = [encTimestamp(usedKey, clock.now())];
        state = State.PREAUTH;
        log.debug({ principal: principalToString(opts.client), etype: usedKey.etype, kdc }, 'pre-authentication required');
        continue;
      }
      throw kdcErrorToException(answer.error, ctx(kdc, usedKey?.kvno === undefined ? {} : { kvno: usedKey.kvno }));
    }
    const rep = answer.rep;
    checkReplyEnctype(rep, etypes, { kdc, client: opts.client });
    const key = replyKey(opts, rep, etypeInfo, usedKey, kdc);
    const saltKnown = etypeInfo.length > 0 || (rep.padata ?? []).some((p) => p.type === PA_TYPE.ETYPE_INFO2);
    const part = decryptOrExplain(rep, key, ctx(kdc, key.kvno === undefined ? {} : { kvno: key.kvno }), saltKnown);
    checkReply(rep, part, { nonce: body.nonce, client: opts.client, server, kdc });
    if (!opts.conf.kdcTimesync) checkReplySkew(part, requestTime, opts.conf.clockSkewMs, { kdc, client: opts.client });
    const credential = toCredential(rep, part);
    return { credential, kdc, kdcOffsetMs: part.authTime - Math.floor(clock.now() / 1000) * 1000 };
  }
}

function offeredEtypes(opts: AsRequestOptions): number[] {
  const wanted = (opts.etypes ?? opts.conf.defaultTktEnctypes).filter(isSupportedEtype);
  if (!('keytab' in opts.secret)) return wanted;
  // MIT restricts the request to the enctypes the keytab holds for the client (get_in_tkt.c sort_enctypes).
  const keytab = opts.secret.keytab;
  const entries = keytab.entriesFor(opts.client);
  if (entries.length === 0) throw keytab.noEntryError(opts.client);
  const held = new Set(entries.map((e) => e.key.etype));
  const usable = wanted.filter((e) => held.has(e));
  if (usable.length === 0) {
    throw new KerberosError(
      'KRB_KEYTAB',
      `keytab ${keytab.path ?? ''} has no key for ${principalToString(opts.client)} of an enctype we may use (${wanted.map(enctypeName).join(', ')}); it holds ${[...held].map(enctypeName).join(', ')}. Re-export the keytab with AES keys (kadmin: ktadd -e aes256-cts-hmac-sha1-96:normal) or adjust default_tkt_enctypes`,
      { principal: principalToString(opts.client), keytab: keytab.path, held: [...held].map(enctypeName) },
    );
  }
  return usable;
}

function buildBody(opts: AsRequestOptions, server: Principal, etypes: number[], now: number): KdcReqBody {
  const lifetime = opts.lifetimeMs ?? opts.conf.ticketLifetimeMs;
  const renew = opts.renewLifetimeMs ?? opts.conf.renewLifetimeMs;
  let options = 0;
  if (opts.forwardable ?? opts.conf.forwardable) options |= KDC_OPTIONS.FORWARDABLE;
  if (opts.proxiable ?? opts.conf.proxiable) options |= KDC_OPTIONS.PROXIABLE;
  if (renew > 0) options |= KDC_OPTIONS.RENEWABLE;
  return {
    kdcOptions: options >>> 0,
    cname: opts.client.name,
    realm: opts.client.realm,
    sname: server.name,
    till: now + lifetime,
    ...(renew > 0 ? { rtime: now + renew } : {}),
    nonce: randomInt(0, 0x7fffffff),
    etypes,
  };
}

/**
 * MIT lists PA-ENC-TIMESTAMP (and ETYPE-INFO2) only when the principal has a key of an etype we
 * offered; without it encrypted-timestamp pre-authentication cannot succeed.
 */
function requireEncTimestamp(opts: AsRequestOptions, methods: PaData[], offered: number[], kdc: string): void {
  if (methods.length === 0 || methods.some((m) => m.type === PA_TYPE.ENC_TIMESTAMP)) return;
  throw new KerberosError(
    'KRB_ENCTYPE_UNSUPPORTED',
    `KDC ${kdc} offers no encrypted-timestamp pre-authentication for ${principalToString(opts.client)} with the etypes we offered [${offered.join(', ')}] (it lists PA types [${methods.map((m) => m.type).join(', ')}]): the principal has no key of those enctypes. Give it an AES key of an offered type (kadmin cpw -e) or adjust default_tkt_enctypes`,
    { kdc, principal: principalToString(opts.client), requested: offered.map(String), paTypes: methods.map((m) => String(m.type)) },
  );
}

function etypeInfoFrom(methodData: PaData[]): EtypeInfo2Entry[] {
  const info2 = methodData.find((p) => p.type === PA_TYPE.ETYPE_INFO2);
  return info2 ? decodeEtypeInfo2(info2.value) : [];
}

/** The client key for `etype`: from the keytab (highest kvno), or string-to-key of the password. */
function keyFor(opts: AsRequestOptions, etype: number, info?: EtypeInfo2Entry, kvno?: number): EncryptionKey & { kvno?: number } {
  if ('keytab' in opts.secret) {
    const entry = opts.secret.keytab.findKey(opts.client, etype, kvno) ?? opts.secret.keytab.findKey(opts.client, etype);
    if (!entry) return opts.secret.keytab.requireKey(opts.client, etype, kvno);
    return { ...entry.key, kvno: entry.kvno };
  }
  const salt = info?.salt ?? defaultSalt(opts.client);
  return { etype, value: getProfile(etype).stringToKey(opts.secret.password, salt, info?.s2kparams) };
}

/** Chooses the pre-authentication key: the first ETYPE-INFO2 entry we can use (KDC order, RFC 4120 5.2.7.5). */
function clientKey(opts: AsRequestOptions, info: EtypeInfo2Entry[], offered: number[], kdc: string): EncryptionKey & { kvno?: number } {
  const entry = info.find((e) => offered.includes(e.etype));
  if (entry) return keyFor(opts, entry.etype, entry);
  if (info.length === 0) return keyFor(opts, offered[0]!);
  throw new KerberosError(
    'KRB_ENCTYPE_UNSUPPORTED',
    `KDC ${kdc} wants pre-authentication with etypes [${info.map((e) => e.etype).join(', ')}] but we offered [${offered.join(', ')}] for ${principalToString(opts.client)}. Give the principal an AES key or adjust default_tkt_enctypes`,
    { kdc, principal: principalToString(opts.client), requested: offered.map(String) },
  );
}

function encTimestamp(key: EncryptionKey, now: number): PaData {
  const time = Math.floor(now / 1000) * 1000;
  const plain = encodePaEncTsEnc({ timestamp: time, usec: Math.floor(now - time) * 1000 });
  const cipher = getProfile(key.etype).encrypt(key.value, KEY_USAGE.AS_REQ_PA_ENC_TIMESTAMP, plain);
  return { type: PA_TYPE.ENC_TIMESTAMP, value: encodeEncryptedData({ etype: key.etype, cipher }) };
}

/** The key the AS-REP is encrypted in: its etype, and (for keytabs) its kvno. */
function replyKey(opts: AsRequestOptions, rep: KdcRep, info: EtypeInfo2Entry[], used: EncryptionKey | undefined, kdc: string): EncryptionKey & { kvno?: number } {
  const { etype, kvno } = rep.encPart;
  if (used && used.etype === etype && !('keytab' in opts.secret)) return used;
  const replyInfo = rep.padata?.find((p) => p.type === PA_TYPE.ETYPE_INFO2);
  const entry = (replyInfo ? decodeEtypeInfo2(replyInfo.value) : info).find((e) => e.etype === etype);
  if ('keytab' in opts.secret && kvno !== undefined && !opts.secret.keytab.findKey(opts.client, etype, kvno)) {
    const have = opts.secret.keytab.findKey(opts.client, etype);
    throw new KerberosError(
      'KRB_PREAUTH_FAILED',
      `KDC ${kdc} encrypted the AS reply for ${principalToString(opts.client)} with key version (kvno) ${kvno}, but keytab ${opts.secret.keytab.path ?? ''} has kvno ${have?.kvno ?? 'none'} for etype ${etype}: the keytab is stale. Re-export it (kadmin ktadd -norandkey)`,
      { principal: principalToString(opts.client), kdc, kvno, keytabKvno: have?.kvno, keytab: opts.secret.keytab.path },
    );
  }
  return keyFor(opts, etype, entry, kvno);
}

/**
 * `saltKnown`: the KDC told us the salt (ETYPE-INFO2 in the pre-auth hint or the reply). Without
 * pre-authentication a KDC need not send it (RFC 4120 section 5.2.7.5: ETYPE-INFO2 MAY appear in
 * the AS-REP), and Heimdal does not for AES keys, so a password whose key has a non-default salt
 * (Heimdal salts AES-SHA2 keys with random bytes) cannot decrypt the reply; stock kinit fails the
 * same way, and requiring pre-authentication for the principal fixes it.
 */
function decryptOrExplain(rep: KdcRep, key: EncryptionKey & { kvno?: number }, ctx: Parameters<typeof kdcErrorToException>[1], saltKnown: boolean) {
  try {
    return decryptEncPart(rep, key, KEY_USAGE.AS_REP_ENC_PART);
  } catch (e) {
    if (!(e instanceof KerberosError) || e.code !== 'KRB_INTEGRITY') throw e;
    // A reply we cannot decrypt means our key is wrong: MIT reports "Password incorrect".
    const asError = { stime: ctx.now, susec: 0, errorCode: KRB_ERROR_CODE.KDC_ERR_PREAUTH_FAILED, realm: ctx.realm, sname: tgsPrincipal(ctx.realm).name };
    const typed = kdcErrorToException(asError, ctx);
    const saltHint =
      saltKnown || ctx.keytab
        ? ''
        : `, or the principal's key has a non-default salt the KDC did not send without pre-authentication (ETYPE-INFO2): require pre-authentication for ${ctx.client ? principalToString(ctx.client) : 'the principal'} (MIT: modprinc +requires_preauth; Heimdal: modify --attributes=requires-pre-auth)`;
    const message = typed.message.replace('failed: KDC_ERR_PREAUTH_FAILED (24)', 'failed: the AS reply did not decrypt with our key') + saltHint;
    throw new KerberosError(typed.code, message, { ...typed.details, ...(saltKnown ? {} : { saltFromKdc: false }) }, { cause: e });
  }
}
