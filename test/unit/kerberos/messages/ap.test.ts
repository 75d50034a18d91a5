// Unit tests for Ticket, EncTicketPart, AP-REQ, Authenticator, AP-REP and EncAPRepPart
// (RFC 4120 sections 5.3, 5.5): application tags on the wire, round-trips, optional fields.
import { expect } from 'chai';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { decodeApReq, decodeAuthenticator, encodeApReq, encodeAuthenticator } from '../../../../security/kerberos/messages/ap-req.ts';
import { decodeApRep, decodeEncApRepPart, encodeApRep, encodeEncApRepPart } from '../../../../security/kerberos/messages/ap-rep.ts';
import { AP_OPTIONS, TICKET_FLAGS } from '../../../../security/kerberos/messages/flags.ts';
import { decodeEncTicketPart, decodeTicket, encodeEncTicketPart, encodeTicket, type Ticket } from '../../../../security/kerberos/messages/ticket.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const ticket: Ticket = {
  realm: 'EXAMPLE.TEST',
  sname: { nameType: 3, components: ['nn', 'localhost'] },
  encPart: { etype: 18, kvno: 3, cipher: Buffer.alloc(40, 0x5a) },
};

describe('kerberos/messages: tickets and AP exchange', () => {
  it('wraps Ticket in [APPLICATION 1] with tkt-vno 5 and round-trips', () => {
    const der = encodeTicket(ticket);
    expect(der[0]).to.equal(0x61);
    expect(der.includes(Buffer.from('a003020105', 'hex'))).to.equal(true);
    expect(decodeTicket(der)).to.deep.equal(ticket);
    expect(encodeTicket(decodeTicket(der))).to.deep.equal(der);
  });

  it('rejects a Ticket with the wrong application tag or version', () => {
    const der = encodeTicket(ticket);
    const wrongTag = Buffer.from(der);
    wrongTag[0] = 0x62;
    expect(() => decodeTicket(wrongTag)).to.throw(KerberosError).with.property('code', 'KRB_BAD_FORMAT');
    const badVno = Buffer.from(der.toString('hex').replace('a003020105', 'a003020104'), 'hex');
    expect(() => decodeTicket(badVno)).to.throw(/tkt-vno 4/);
  });

  it('round-trips EncTicketPart with and without optional fields', () => {
    const full = {
      flags: (TICKET_FLAGS.FORWARDABLE | TICKET_FLAGS.INITIAL) >>> 0,
      key: { etype: 18, value: Buffer.alloc(32, 7) },
      crealm: 'EXAMPLE.TEST',
      cname: { nameType: 1, components: ['alice'] },
      transited: { trType: 1, contents: Buffer.alloc(0) },
      authTime: T0,
      startTime: T0 + 1000,
      endTime: T0 + 3600_000,
      renewTill: T0 + 7200_000,
      caddr: [{ addrType: 2, address: Buffer.from([127, 0, 0, 1]) }],
      authorizationData: [{ adType: 1, adData: Buffer.from('3000', 'hex') }],
    };
    const der = encodeEncTicketPart(full);
    expect(der[0]).to.equal(0x63);
    expect(decodeEncTicketPart(der)).to.deep.equal(full);
    const { startTime: _s, renewTill: _r, caddr: _c, authorizationData: _a, ...minimal } = full;
    expect(decodeEncTicketPart(encodeEncTicketPart(minimal))).to.deep.equal(minimal);
  });

  it('encodes AP-REQ as [APPLICATION 14] with pvno 5, msg-type 14 and mutual-required', () => {
    const req = { apOptions: AP_OPTIONS.MUTUAL_REQUIRED, ticket, authenticator: { etype: 18, cipher: Buffer.alloc(50, 1) } };
    const der = encodeApReq(req);
    expect(der.subarray(0, 1)).to.deep.equal(Buffer.from([0x6e]));
    const body = der.toString('hex');
    expect(body).to.contain('a003020105a10302010ea20703050020000000');
    expect(decodeApReq(der)).to.deep.equal(req);
    const asRep = Buffer.from(body.replace('a10302010e', 'a10302010f'), 'hex');
    expect(() => decodeApReq(asRep)).to.throw(/msg-type 15/);
  });

  it('round-trips Authenticator with checksum, subkey and an unsigned sequence number', () => {
    const a = {
      crealm: 'EXAMPLE.TEST',
      cname: { nameType: 1, components: ['alice'] },
      cksum: { cksumtype: 0x8003, checksum: Buffer.alloc(24, 0) },
      cusec: 999999,
      ctime: T0,
      subkey: { etype: 17, value: Buffer.alloc(16, 9) },
      seqNumber: 0xfffffff0,
    };
    const der = encodeAuthenticator(a);
    expect(der[0]).to.equal(0x62);
    expect(decodeAuthenticator(der)).to.deep.equal(a);
    const { cksum: _c, subkey: _k, seqNumber: _n, ...bare } = a;
    expect(decodeAuthenticator(encodeAuthenticator(bare))).to.deep.equal(bare);
  });

  it('round-trips AP-REP and EncAPRepPart ([APPLICATION 15] / [APPLICATION 27])', () => {
    const rep = { encPart: { etype: 18, cipher: Buffer.alloc(60, 3) } };
    const der = encodeApRep(rep);
    expect(der[0]).to.equal(0x6f);
    expect(decodeApRep(der)).to.deep.equal(rep);
    const part = { ctime: T0, cusec: 12, subkey: { etype: 18, value: Buffer.alloc(32, 4) }, seqNumber: 42 };
    const pder = encodeEncApRepPart(part);
    expect(pder[0]).to.equal(0x7b);
    expect(decodeEncApRepPart(pder)).to.deep.equal(part);
    expect(decodeEncApRepPart(encodeEncApRepPart({ ctime: T0, cusec: 0 }))).to.deep.equal({ ctime: T0, cusec: 0 });
  });
});
