// Unit tests for the KDC messages (RFC 4120 sections 5.2.7, 5.4, 5.9): AS-REQ/TGS-REQ, KDC-REP,
// EncKDCRepPart under both application tags, PA-DATA, ETYPE-INFO2, KRB-ERROR with METHOD-DATA.
import { expect } from 'chai';
import {
  APP_TAG, KDC_OPTIONS, KRB_ERROR_CODE, MSG_TYPE, PA_TYPE, decodeEncKdcRepPart, decodeEtypeInfo2, decodeKdcRep, decodeKdcReq,
  decodeKrbError, decodeMethodData, decodePaEncTsEnc, encodeEncKdcRepPart, encodeEtypeInfo2, encodeKdcRep, encodeKdcReq,
  encodeKdcReqBody, encodeKrbError, encodeMethodData, encodePaEncTsEnc, krbErrorName, type KdcReqBody,
} from '../../../../security/kerberos/messages/index.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const body: KdcReqBody = {
  kdcOptions: (KDC_OPTIONS.FORWARDABLE | KDC_OPTIONS.RENEWABLE_OK) >>> 0,
  cname: { nameType: 1, components: ['alice'] },
  realm: 'EXAMPLE.TEST',
  sname: { nameType: 2, components: ['krbtgt', 'EXAMPLE.TEST'] },
  till: T0 + 86400_000,
  rtime: T0 + 7 * 86400_000,
  nonce: 0xdeadbeef,
  etypes: [18, 17, 20, 19],
};
const ticket = { realm: 'EXAMPLE.TEST', sname: { nameType: 2, components: ['krbtgt', 'EXAMPLE.TEST'] }, encPart: { etype: 18, kvno: 1, cipher: Buffer.alloc(64, 2) } };

describe('kerberos/messages: KDC exchange', () => {
  it('encodes AS-REQ as [APPLICATION 10] with pvno [1] and msg-type [2], and round-trips', () => {
    const req = { msgType: MSG_TYPE.AS_REQ, padata: [{ type: PA_TYPE.PAC_REQUEST, value: hex('3005a0030101ff') }], reqBody: body };
    const der = encodeKdcReq(req);
    expect(der[0]).to.equal(0x6a);
    expect(der.toString('hex')).to.contain('a103020105a20302010a');
    expect(decodeKdcReq(der)).to.deep.equal(req);
  });

  it('embeds the exact req-body bytes given for the TGS checksum', () => {
    const tgsBody = { ...body, cname: undefined, sname: { nameType: 3, components: ['nn', 'localhost'] }, additionalTickets: [ticket] };
    delete (tgsBody as { cname?: unknown }).cname;
    const bodyDer = encodeKdcReqBody(tgsBody);
    const der = encodeKdcReq({ msgType: MSG_TYPE.TGS_REQ, padata: [{ type: PA_TYPE.TGS_REQ, value: hex('6e00') }], reqBody: tgsBody }, bodyDer);
    expect(der[0]).to.equal(0x6c);
    expect(der.includes(bodyDer)).to.equal(true);
    expect(decodeKdcReq(der).reqBody).to.deep.equal(tgsBody);
  });

  it('round-trips AS-REP and refuses a TGS-REP where an AS-REP is expected', () => {
    const rep = { msgType: MSG_TYPE.AS_REP, crealm: 'EXAMPLE.TEST', cname: { nameType: 1, components: ['alice'] }, ticket, encPart: { etype: 18, kvno: 2, cipher: Buffer.alloc(80, 1) } };
    const der = encodeKdcRep(rep);
    expect(der[0]).to.equal(0x6b);
    expect(decodeKdcRep(der, MSG_TYPE.AS_REP)).to.deep.equal(rep);
    const tgs = encodeKdcRep({ ...rep, msgType: MSG_TYPE.TGS_REP });
    expect(tgs[0]).to.equal(0x6d);
    expect(() => decodeKdcRep(tgs, MSG_TYPE.AS_REP)).to.throw(/expected 11/);
  });

  it('decodes EncKDCRepPart under both [APPLICATION 25] and [APPLICATION 26]', () => {
    const part = {
      key: { etype: 18, value: Buffer.alloc(32, 5) },
      lastReq: [{ lrType: 0, lrValue: T0 }],
      nonce: 0xdeadbeef,
      flags: 0x40e10000,
      authTime: T0,
      startTime: T0,
      endTime: T0 + 3600_000,
      renewTill: T0 + 7200_000,
      srealm: 'EXAMPLE.TEST',
      sname: { nameType: 2, components: ['krbtgt', 'EXAMPLE.TEST'] },
    };
    const as = encodeEncKdcRepPart(part, APP_TAG.ENC_AS_REP_PART);
    const tgs = encodeEncKdcRepPart(part, APP_TAG.ENC_TGS_REP_PART);
    expect([as[0], tgs[0]]).to.deep.equal([0x79, 0x7a]);
    expect(decodeEncKdcRepPart(as)).to.deep.equal(part);
    expect(decodeEncKdcRepPart(tgs)).to.deep.equal(part);
    const other = Buffer.from(as);
    other[0] = 0x7b;
    expect(() => decodeEncKdcRepPart(other)).to.throw(/APPLICATION 25/);
  });

  it('decodes ETYPE-INFO2 with salt and s2kparams, and PA-ENC-TS-ENC', () => {
    // SEQUENCE OF { [0] 18, [1] "EXAMPLE.TESTalice", [2] 00001000 }
    const der = hex('3024 3022 a003020112 a1131b114558414d504c452e54455354616c696365 a2060404 00001000');
    expect(decodeEtypeInfo2(der)).to.deep.equal([{ etype: 18, salt: 'EXAMPLE.TESTalice', s2kparams: hex('00001000') }]);
    expect(encodeEtypeInfo2(decodeEtypeInfo2(der))).to.deep.equal(der);
    expect(() => decodeEtypeInfo2(hex('3000'))).to.throw(/SIZE/);
    expect(decodePaEncTsEnc(encodePaEncTsEnc({ timestamp: T0, usec: 5 }))).to.deep.equal({ timestamp: T0, usec: 5 });
  });

  it('round-trips KRB-ERROR with METHOD-DATA e-data and names error codes', () => {
    const eData = encodeMethodData([{ type: PA_TYPE.ETYPE_INFO2, value: hex('3007 3005 a003020112') }, { type: PA_TYPE.ENC_TIMESTAMP, value: Buffer.alloc(0) }]);
    const err = {
      stime: T0,
      susec: 123456,
      errorCode: KRB_ERROR_CODE.KDC_ERR_PREAUTH_REQUIRED,
      crealm: 'EXAMPLE.TEST',
      cname: { nameType: 1, components: ['alice'] },
      realm: 'EXAMPLE.TEST',
      sname: { nameType: 2, components: ['krbtgt', 'EXAMPLE.TEST'] },
      eText: 'Additional pre-authentication required',
      eData,
    };
    const der = encodeKrbError(err);
    expect(der[0]).to.equal(0x7e);
    const back = decodeKrbError(der);
    expect(back).to.deep.equal(err);
    expect(decodeMethodData(back.eData!).map((p) => p.type)).to.deep.equal([19, 2]);
    expect(krbErrorName(6)).to.equal('KDC_ERR_C_PRINCIPAL_UNKNOWN');
    expect(krbErrorName(37)).to.equal('KRB_AP_ERR_SKEW');
    expect(krbErrorName(999)).to.equal('KRB_ERROR_999');
  });
});
