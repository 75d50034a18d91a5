// The acceptor policy taken from krb5.conf (audit G6): [libdefaults] clockskew becomes the
// default allowed skew of AcceptorCredential.fromKeytab / the constructor / an AcceptorContext
// given a krb5Config (explicit options win), and permitted_enctypes is enforced on the ticket's
// enc-part etype, its session key and the authenticator subkey, as MIT's krb5_rd_req does
// (decrypt_tk.c and rd_req_dec.c negotiate_etype: KRB5_NOPERM_ETYPE).
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../lib/time/clock.ts';
import { parseKrb5Conf } from '../../../../security/kerberos/config/index.ts';
import { getProfile, KEY_USAGE, randomKey } from '../../../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../../../security/kerberos/gss/acceptor.ts';
import { encodeAuthenticatorChecksum, GSS_CHECKSUM_TYPE, GSS_FLAGS } from '../../../../security/kerberos/gss/authenticator-checksum.ts';
import { decodeInitialToken, encodeInitialToken, TOK_ID } from '../../../../security/kerberos/gss/framing.ts';
import { decodeKrbError } from '../../../../security/kerberos/messages/krb-error.ts';
import { InitiatorContext } from '../../../../security/kerberos/gss/initiator.ts';
import { writeKeytabSync } from '../../../../security/kerberos/keytab/index.ts';
import { encodeApReq, encodeAuthenticator } from '../../../../security/kerberos/messages/ap-req.ts';
import { AP_OPTIONS } from '../../../../security/kerberos/messages/flags.ts';
import { decodeTicket } from '../../../../security/kerberos/messages/ticket.ts';
import type { Credential } from '../../../../security/kerberos/types.ts';
import { issueTicket, nn } from './ticket-fixture.ts';

const conf = (libdefaults: string) => parseKrb5Conf(`[libdefaults]\n default_realm = EXAMPLE.TEST\n${libdefaults}\n`);

const keytabDirs: string[] = [];
after(() => keytabDirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function keytabWith(service: ServiceKey): string {
  const dir = mkdtempSync(join(tmpdir(), 'hsec-accpol-'));
  keytabDirs.push(dir);
  const path = join(dir, 'nn.keytab');
  writeKeytabSync(path, [{ principal: service.principal, timestamp: 0, kvno: service.kvno, key: service.key }]);
  return path;
}

/** An AP-REQ token from the initiator's clock `ahead` ms ahead of the acceptor's. */
function apReqFrom(service: ServiceKey, clock: ManualClock, aheadMs: number, sessionEtype = service.key.etype): Buffer {
  const iniClock = new ManualClock(clock.now() + aheadMs);
  return new InitiatorContext({ credential: issueTicket(service, iniClock, { sessionEtype }), clock: iniClock }).step()!;
}

/** An AP-REQ like the initiator's, but whose authenticator subkey has etype `subkeyEtype`. */
function apReqWithSubkey(cred: Credential, clock: ManualClock, subkeyEtype: number): Buffer {
  const ctime = Math.floor(clock.now() / 1000) * 1000;
  const authenticator = encodeAuthenticator({
    crealm: cred.client.realm,
    cname: cred.client.name,
    cksum: { cksumtype: GSS_CHECKSUM_TYPE, checksum: encodeAuthenticatorChecksum(GSS_FLAGS.MUTUAL | GSS_FLAGS.INTEG) },
    cusec: 0,
    ctime,
    subkey: randomKey(subkeyEtype),
    seqNumber: 1,
  });
  const profile = getProfile(cred.sessionKey.etype);
  const cipher = profile.encrypt(cred.sessionKey.value, KEY_USAGE.AP_REQ_AUTHENTICATOR, authenticator);
  const body = encodeApReq({ apOptions: AP_OPTIONS.MUTUAL_REQUIRED, ticket: decodeTicket(cred.ticket), authenticator: { etype: profile.etype, cipher } });
  return encodeInitialToken({ tokenId: TOK_ID.AP_REQ, body });
}

function codeOf(f: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('GSS acceptor policy from krb5.conf (clockskew, permitted_enctypes)', () => {
  const service: ServiceKey = { principal: nn, kvno: 2, key: randomKey(18) };

  it('fromKeytab takes its default skew from krb5Config clockskew; explicit skewSeconds wins', () => {
    const clock = new ManualClock();
    const keytab = keytabWith(service);
    const tight = conf(' clockskew = 10');
    // 60 s ahead: inside the 300 s default, outside the configured 10 s.
    expect(new AcceptorContext({ credential: AcceptorCredential.fromKeytab(keytab, { clock }) }).step(apReqFrom(service, clock, 60_000))).to.be.instanceOf(Buffer);
    const strict = AcceptorCredential.fromKeytab(keytab, { clock, krb5Config: tight });
    expect(strict.skewSeconds).to.equal(10);
    const err = codeOf(() => new AcceptorContext({ credential: strict }).step(apReqFrom(service, clock, 60_000)));
    expect(err.code).to.equal('KRB_CLOCK_SKEW');
    expect(err.details.maxSkewSeconds).to.equal(10);
    expect(err.details.skewSeconds).to.equal(60);
    const explicit = AcceptorCredential.fromKeytab(keytab, { clock, krb5Config: tight, skewSeconds: 120 });
    expect(explicit.skewSeconds).to.equal(120);
    expect(new AcceptorContext({ credential: explicit }).step(apReqFrom(service, clock, 60_000))).to.be.instanceOf(Buffer);
    // a wider configured skew admits what the default refuses
    const wide = AcceptorCredential.fromKeytab(keytab, { clock, krb5Config: conf(' clockskew = 15m') });
    expect(wide.skewSeconds).to.equal(900);
    expect(new AcceptorContext({ credential: wide }).step(apReqFrom(service, clock, 600_000))).to.be.instanceOf(Buffer);
  });

  it('an AcceptorContext given krb5Config applies its clockskew unless the credential set one explicitly', () => {
    const clock = new ManualClock();
    const plain = new AcceptorCredential([service], { clock });
    const ctx = new AcceptorContext({ credential: plain, krb5Config: conf(' clockskew = 10') });
    expect(ctx.policy.skewSeconds).to.equal(10);
    expect(codeOf(() => ctx.step(apReqFrom(service, clock, 30_000))).code).to.equal('KRB_CLOCK_SKEW');
    const pinned = new AcceptorCredential([service], { clock, skewSeconds: 60 });
    const ctx2 = new AcceptorContext({ credential: pinned, krb5Config: conf(' clockskew = 10') });
    expect(ctx2.policy.skewSeconds).to.equal(60);
    expect(ctx2.step(apReqFrom(service, clock, 30_000))).to.be.instanceOf(Buffer);
  });

  it('a ticket whose enc-part etype is not permitted is KRB_ENCTYPE_UNSUPPORTED naming it and the list', () => {
    const clock = new ManualClock();
    const aes128: ServiceKey = { principal: nn, kvno: 2, key: randomKey(17) };
    const cred = AcceptorCredential.fromKeytab(keytabWith(aes128), { clock, krb5Config: conf(' permitted_enctypes = aes256-cts-hmac-sha1-96 aes256-cts-hmac-sha384-192') });
    expect(cred.permittedEnctypes).to.deep.equal([18, 20]);
    const err = codeOf(() => new AcceptorContext({ credential: cred }).step(apReqFrom(aes128, clock, 0, 18)));
    expect(err.code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
    expect(err.details.etype).to.equal(17);
    expect(err.details.permitted).to.deep.equal(['18', '20']);
    expect(err.message).to.contain('aes128-cts-hmac-sha1-96 (17)').and.contain('enc-part').and.contain('aes256-cts-hmac-sha1-96 (18), aes256-cts-hmac-sha384-192 (20)');
    // the same ticket passes without the restriction
    expect(new AcceptorContext({ credential: AcceptorCredential.fromKeytab(keytabWith(aes128), { clock }) }).step(apReqFrom(aes128, clock, 0, 18))).to.be.instanceOf(Buffer);
  });

  it('a session key (and so the initiator subkey) of a non-permitted etype is refused', () => {
    const clock = new ManualClock();
    const cred = new AcceptorCredential([service], { clock, permittedEnctypes: [18] });
    const refusing = new AcceptorContext({ credential: cred });
    const err = codeOf(() => refusing.step(apReqFrom(service, clock, 0, 19)));
    // the KRB-ERROR token carries KRB_ERR_GENERIC (MIT sends KRB5_NOPERM_ETYPE so), not NOKEY
    expect(decodeKrbError(decodeInitialToken(refusing.errorToken()!).body).errorCode).to.equal(60);
    expect(err.code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
    expect(err.details.etype).to.equal(19);
    expect(err.message).to.match(/aes128-cts-hmac-sha256-128 \(19\) of the (authenticator subkey|session key)/);
    expect(new AcceptorContext({ credential: cred }).step(apReqFrom(service, clock, 0, 18))).to.be.instanceOf(Buffer);
  });

  it('an authenticator subkey of a non-permitted etype is refused even when the session key is permitted', () => {
    const clock = new ManualClock();
    const cred = new AcceptorCredential([service], { clock, krb5Config: conf(' permitted_enctypes = aes256-cts-hmac-sha1-96') });
    const ticket = issueTicket(service, clock, { sessionEtype: 18 });
    const err = codeOf(() => new AcceptorContext({ credential: cred }).step(apReqWithSubkey(ticket, clock, 17)));
    expect(err.code).to.equal('KRB_ENCTYPE_UNSUPPORTED');
    expect(err.details.etype).to.equal(17);
    expect(err.message).to.contain('authenticator subkey');
    const ok = new AcceptorContext({ credential: cred });
    expect(ok.step(apReqWithSubkey(issueTicket(service, clock, { sessionEtype: 18 }), clock, 18))).to.be.instanceOf(Buffer);
  });

  it('explicit permittedEnctypes win over krb5Config, and an explicit list on the credential survives a context krb5Config', () => {
    const clock = new ManualClock();
    const cred = new AcceptorCredential([service], { clock, permittedEnctypes: [18, 17], krb5Config: conf(' permitted_enctypes = aes-sha2') });
    expect(cred.permittedEnctypes).to.deep.equal([18, 17]);
    const ctx = new AcceptorContext({ credential: cred, krb5Config: conf(' permitted_enctypes = aes-sha2') });
    expect(ctx.step(apReqFrom(service, clock, 0, 17))).to.be.instanceOf(Buffer);
    const plain = new AcceptorCredential([service], { clock });
    const ctx2 = new AcceptorContext({ credential: plain, krb5Config: conf(' permitted_enctypes = aes-sha2') });
    expect(codeOf(() => ctx2.step(apReqFrom(service, clock, 0, 18))).details.etype).to.equal(18);
  });
});
