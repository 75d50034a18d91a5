// Unit tests for the basic RFC 4120 section 5.2 types and the DER layer: hand-built DER vectors
// (each byte laid out by hand from the ASN.1 module), round-trips and malformed input.
import { expect } from 'chai';
import { KerberosError } from '../../../../lib/errors/index.ts';
import { asTime, bits32, int, parseDer, toDer, asBits32, asInt, MAX_DER_BYTES } from '../../../../security/kerberos/messages/der.ts';
import {
  decodeChecksum, decodeEncryptedData, decodeEncryptionKey, encodeChecksum, encodeEncryptedData, encodeEncryptionKey,
} from '../../../../security/kerberos/messages/encryption.ts';
import { principalNameFromAsn, principalNameToAsn } from '../../../../security/kerberos/messages/principal-name.ts';
import { decodeKerberosTime, encodeKerberosTime, splitTime } from '../../../../security/kerberos/messages/kerberos-time.ts';
import { KDC_OPTIONS, TICKET_FLAGS, ticketFlagLetters } from '../../../../security/kerberos/messages/flags.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function expectBadFormat(fn: () => unknown): KerberosError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(KerberosError);
    expect((e as KerberosError).code).to.equal('KRB_BAD_FORMAT');
    return e as KerberosError;
  }
  throw new Error('expected KRB_BAD_FORMAT');
}

describe('kerberos/messages: DER basics', () => {
  it('encodes EncryptedData exactly as the ASN.1 module lays it out and decodes it back', () => {
    // SEQUENCE { [0] INTEGER 18, [1] INTEGER 2, [2] OCTET STRING 01 02 }
    const der = hex('3010 a003020112 a103020102 a20404020102');
    expect(encodeEncryptedData({ etype: 18, kvno: 2, cipher: hex('0102') })).to.deep.equal(der);
    expect(decodeEncryptedData(der)).to.deep.equal({ etype: 18, kvno: 2, cipher: hex('0102') });
    const noKvno = decodeEncryptedData(hex('300b a003020111 a20404020102'));
    expect(noKvno).to.deep.equal({ etype: 17, cipher: hex('0102') });
    expect(noKvno).to.not.have.property('kvno');
  });

  it('round-trips EncryptionKey and Checksum', () => {
    const key = { etype: 18, value: Buffer.alloc(32, 0xab) };
    expect(decodeEncryptionKey(encodeEncryptionKey(key))).to.deep.equal(key);
    const ck = { cksumtype: 16, checksum: Buffer.alloc(12, 1) };
    const der = encodeChecksum(ck);
    expect(der.subarray(0, 7)).to.deep.equal(hex('3015 a003020110'));
    expect(decodeChecksum(der)).to.deep.equal(ck);
  });

  it('encodes PrincipalName with GeneralString components', () => {
    const der = toDer(principalNameToAsn({ nameType: 2, components: ['krbtgt', 'EX.TEST'] }));
    expect(der).to.deep.equal(hex('301a a003020102 a113 3011 1b066b7262746774 1b0745582e54455354'));
    expect(principalNameFromAsn(parseDer(der, 'p'))).to.deep.equal({ nameType: 2, components: ['krbtgt', 'EX.TEST'] });
  });

  it('encodes KerberosTime without fraction and truncates milliseconds', () => {
    const ms = Date.UTC(2026, 10, 22, 7, 27, 5, 999);
    expect(encodeKerberosTime(ms)).to.deep.equal(Buffer.concat([hex('180f'), Buffer.from('20261122072705Z')]));
    expect(decodeKerberosTime(encodeKerberosTime(ms))).to.equal(ms - 999);
    expect(splitTime(ms)).to.deep.equal({ time: ms - 999, usec: 999000 });
    expectBadFormat(() => asTime(parseDer(Buffer.concat([hex('1813'), Buffer.from('20261122072705.123Z')]), 't'), 't'));
  });

  it('encodes KerberosFlags as a 32-bit BIT STRING with bit 0 the most significant', () => {
    const flags = KDC_OPTIONS.FORWARDABLE | KDC_OPTIONS.RENEWABLE | KDC_OPTIONS.RENEWABLE_OK;
    expect(toDer(bits32(flags))).to.deep.equal(hex('030500 40800010'));
    expect(asBits32(parseDer(hex('030500 40800010'), 'f'), 'f')).to.equal(flags >>> 0);
    expect(ticketFlagLetters(TICKET_FLAGS.FORWARDABLE | TICKET_FLAGS.RENEWABLE | TICKET_FLAGS.INITIAL | TICKET_FLAGS.PRE_AUTHENT)).to.equal('FRIA');
  });

  it('decodes UInt32 with a leading zero and negative Int32', () => {
    expect(asInt(parseDer(hex('020500ffffffff'), 'n'), 'n')).to.equal(0xffffffff);
    expect(asInt(parseDer(hex('0201ff'), 'n'), 'n')).to.equal(-1);
    expect(toDer(int(0xffffffff))).to.deep.equal(hex('020500ffffffff'));
    expectBadFormat(() => asInt(parseDer(hex('0206010000000000'), 'n'), 'n'));
  });

  it('rejects truncated, trailing, oversized, mistagged and incomplete DER with KRB_BAD_FORMAT', () => {
    expectBadFormat(() => decodeEncryptedData(hex('3010 a003020112 a103020102 a204040201')));
    expectBadFormat(() => decodeEncryptedData(hex('300b a003020111 a20404020102 00')));
    expectBadFormat(() => decodeEncryptedData(Buffer.alloc(MAX_DER_BYTES + 1)));
    expectBadFormat(() => decodeEncryptedData(hex('3105 a003020111')));
    const missing = expectBadFormat(() => decodeEncryptedData(hex('3005 a003020111')));
    expect(missing.message).to.contain('cipher');
    expectBadFormat(() => decodeEncryptedData(hex('300a a20404020102 a003020111')));
    expectBadFormat(() => decodeEncryptedData(Buffer.alloc(0)));
  });
});
