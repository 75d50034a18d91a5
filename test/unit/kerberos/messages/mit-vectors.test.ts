// Decodes a real MIT krb5 1.20.1 exchange (kinit with a password, then kvno) captured from
// krb5kdc (vectors/mit-kdc-exchange.json, with its source): every message decodes, re-encodes to
// the identical DER, and the encrypted parts open with keys derived from the known password —
// PA-ENC-TIMESTAMP (usage 1), AS-REP (3), the TGS authenticator (7) with its req-body checksum (6).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { getProfile, KEY_USAGE } from '../../../../security/kerberos/crypto/index.ts';
import {
  KRB_ERROR_CODE, MSG_TYPE, PA_TYPE, decodeApReq, decodeAuthenticator, decodeEncKdcRepPart, decodeEncryptedData, decodeEtypeInfo2,
  decodeKdcRep, decodeKdcReq, decodeKrbError, decodeMethodData, decodePaEncTsEnc, encodeKdcRep, encodeKdcReq, encodeKrbError,
  encodeKdcReqBody, KDC_OPTIONS,
} from '../../../../security/kerberos/messages/index.ts';

const v = JSON.parse(readFileSync(new URL('./vectors/mit-kdc-exchange.json', import.meta.url), 'utf8')) as Record<string, string>;
const hex = (k: string) => Buffer.from(v[k]!, 'hex');
const aes256 = getProfile(18);

describe('kerberos/messages: real MIT krb5kdc exchange', () => {
  it('decodes the first AS-REQ and re-encodes it byte for byte', () => {
    const req = decodeKdcReq(hex('as_req_no_preauth'));
    expect(req.msgType).to.equal(MSG_TYPE.AS_REQ);
    expect(req.reqBody.cname!.components).to.deep.equal(['alice']);
    expect(req.reqBody.sname!.components).to.deep.equal(['krbtgt', 'EXAMPLE.TEST']);
    expect(req.reqBody.etypes).to.include(18);
    expect(req.reqBody.kdcOptions & KDC_OPTIONS.FORWARDABLE).to.not.equal(0);
    expect(encodeKdcReq(req)).to.deep.equal(hex('as_req_no_preauth'));
  });

  it('decodes KDC_ERR_PREAUTH_REQUIRED with METHOD-DATA and ETYPE-INFO2 (salt)', () => {
    const err = decodeKrbError(hex('krb_error_preauth_required'));
    expect(err.errorCode).to.equal(KRB_ERROR_CODE.KDC_ERR_PREAUTH_REQUIRED);
    expect(err.realm).to.equal('EXAMPLE.TEST');
    expect(encodeKrbError(err)).to.deep.equal(hex('krb_error_preauth_required'));
    const methods = decodeMethodData(err.eData!);
    expect(methods.map((m) => m.type)).to.include.members([PA_TYPE.ETYPE_INFO2, PA_TYPE.ENC_TIMESTAMP]);
    const info = decodeEtypeInfo2(methods.find((m) => m.type === PA_TYPE.ETYPE_INFO2)!.value);
    expect(info[0]).to.deep.include({ etype: 18, salt: 'EXAMPLE.TESTalice' });
  });

  it('opens PA-ENC-TIMESTAMP and the AS-REP with the password key, then the TGS exchange with the session key', () => {
    const key = aes256.stringToKey(v.client_password!, 'EXAMPLE.TESTalice');
    const asReq2 = decodeKdcReq(hex('as_req_enc_timestamp'));
    expect(encodeKdcReq(asReq2)).to.deep.equal(hex('as_req_enc_timestamp'));
    const pa = asReq2.padata!.find((p) => p.type === PA_TYPE.ENC_TIMESTAMP)!;
    const ts = decodePaEncTsEnc(aes256.decrypt(key, KEY_USAGE.AS_REQ_PA_ENC_TIMESTAMP, decodeEncryptedData(pa.value).cipher));
    expect(ts.timestamp).to.be.within(Date.UTC(2026, 0, 1), Date.UTC(2028, 0, 1));

    const asRep = decodeKdcRep(hex('as_rep'), MSG_TYPE.AS_REP);
    expect(encodeKdcRep(asRep)).to.deep.equal(hex('as_rep'));
    const asPart = decodeEncKdcRepPart(aes256.decrypt(key, KEY_USAGE.AS_REP_ENC_PART, asRep.encPart.cipher));
    expect(asPart.nonce).to.equal(asReq2.reqBody.nonce);
    expect(asPart.sname.components).to.deep.equal(['krbtgt', 'EXAMPLE.TEST']);
    const session = asPart.key;

    const tgsReqDer = hex('tgs_req');
    const tgsReq = decodeKdcReq(tgsReqDer);
    expect(encodeKdcReq(tgsReq)).to.deep.equal(tgsReqDer);
    const apReq = decodeApReq(tgsReq.padata!.find((p) => p.type === PA_TYPE.TGS_REQ)!.value);
    expect(apReq.ticket).to.deep.equal(asRep.ticket);
    const auth = decodeAuthenticator(getProfile(session.etype).decrypt(session.value, KEY_USAGE.TGS_REQ_PA_AUTHENTICATOR, apReq.authenticator.cipher));
    expect(auth.cname.components).to.deep.equal(['alice']);
    // The checksum covers the DER of req-body exactly as sent; our encoding reproduces it.
    const bodyDer = encodeKdcReqBody(tgsReq.reqBody);
    expect(tgsReqDer.includes(bodyDer)).to.equal(true);
    const p = getProfile(session.etype);
    expect(auth.cksum!.cksumtype).to.equal(p.checksumType);
    expect(p.verifyChecksum(session.value, KEY_USAGE.TGS_REQ_PA_AUTHENTICATOR_CKSUM, bodyDer, auth.cksum!.checksum)).to.equal(true);

    const tgsRep = decodeKdcRep(hex('tgs_rep'), MSG_TYPE.TGS_REP);
    expect(encodeKdcRep(tgsRep)).to.deep.equal(hex('tgs_rep'));
    // MIT's kvno armours its TGS-REQ with FAST (PA-FX-FAST, RFC 6113): the TGS-REP enc-part is
    // under the FAST reply key, so only the outer message is checked here (our own client does not
    // use FAST; its TGS path is exercised against the live KDC in test/integration).
    expect(tgsReq.padata!.map((x) => x.type)).to.include(PA_TYPE.FX_FAST);
    expect(tgsRep.padata!.map((x) => x.type)).to.deep.equal([PA_TYPE.FX_FAST]);
    expect(tgsRep.crealm).to.equal('EXAMPLE.TEST');
    expect(tgsRep.cname.components).to.deep.equal(['alice']);
    expect(tgsRep.ticket.sname.components).to.deep.equal(['nn', 'localhost']);
  });
});
