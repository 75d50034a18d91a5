import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { HsecError } from '../../../lib/errors/index.ts';
import { encodeDirectives, parseDirectives } from '../../../security/sasl/mechanisms/digest-md5/directives.ts';
import { responseValue } from '../../../security/sasl/mechanisms/digest-md5/digest.ts';
import { decodeChallenge, decodeResponse, decodeResponseAuth, encodeChallenge, encodeResponse } from '../../../security/sasl/mechanisms/digest-md5/messages.ts';
import { addDesParity } from '../../../security/sasl/mechanisms/digest-md5/ciphers.ts';
import { chooseCipher } from '../../../security/sasl/mechanisms/digest-md5/ciphers.ts';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/sasl-digest-md5.json', import.meta.url), 'utf8'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof HsecError ? err.code : String(err);
  }
  return undefined;
}

describe('sasl/digest-md5 codecs', () => {
  it('computes the RFC 2831 section 4 response and rspauth', () => {
    const v = vectors.rfc2831_example;
    const input = {
      digestUri: v.digestUri,
      qop: 'auth' as const,
      username: v.username,
      realm: v.realm,
      password: v.password,
      nonce: Buffer.from(v.nonce),
      cnonce: Buffer.from(v.cnonce),
      nonceCount: 1,
      utf8: false,
    };
    expect(responseValue('AUTHENTICATE', input).value).to.equal(v.response);
    expect(responseValue('', input).value).to.equal(v.rspauth);
  });

  it('decodes and re-encodes the stock Hadoop 3.4.1 challenge byte for byte', () => {
    const c = decodeChallenge(Buffer.from(vectors.challenge));
    expect(c.realms).to.deep.equal(['default']);
    expect(c.qop).to.deep.equal(['auth-conf']);
    expect(c.utf8).to.equal(true);
    expect(c.maxbuf).to.equal(65536);
    expect(c.ciphers).to.deep.equal(['3des', 'rc4', 'des', 'rc4-56', 'rc4-40']);
    expect(encodeChallenge(c).toString('latin1')).to.equal(vectors.challenge);
  });

  it('decodes and re-encodes the stock Hadoop 3.4.1 response byte for byte', () => {
    const r = decodeResponse(Buffer.from(vectors.response));
    expect(r.username).to.equal('ABJhbGljZUBFWEFNUExFLlRFU1QFYWxpY2UAigGiAh4yDooBoiYqtg4BAg==');
    expect(r).to.include({ realm: 'default', digestUri: '/default', qop: 'auth-conf', cipher: '3des', maxbuf: 65536, nonceCount: 1, utf8: true });
    expect(encodeResponse(r).toString('latin1')).to.equal(vectors.response);
    expect(decodeResponseAuth(Buffer.from(vectors.rspauth))).to.equal('47224587df27149c62705a1a34fd3f49');
  });

  it('parses RFC 2831 7.2 quoting, escapes, LWS and empty list elements', () => {
    const list = parseDirectives(Buffer.from(' ,realm = "a\\"b\\\\c" ,, nonce="x,y"\r\n ,qop=auth , '), 'SASL_BAD_CHALLENGE');
    expect(list.map((d) => [d.key, d.value.toString()])).to.deep.equal([
      ['realm', 'a"b\\c'],
      ['nonce', 'x,y'],
      ['qop', 'auth'],
    ]);
    const enc = encodeDirectives([{ key: 'realm', value: 'a"b\\c\x01', quote: true }]);
    expect(enc.toString('latin1')).to.equal('realm="a\\"b\\\\c\\\x01"');
    expect(parseDirectives(enc, 'SASL_BAD_CHALLENGE')[0]!.value.toString('latin1')).to.equal('a"b\\c\x01');
  });

  it('rejects malformed challenges with SASL_BAD_CHALLENGE', () => {
    const bad = [
      'realm="default,nonce="abc",algorithm=md5-sess', // unmatched quote
      'nonce="abc"', // no algorithm
      'nonce="abc",algorithm=md5', // wrong algorithm
      'realm="x",algorithm=md5-sess', // no nonce
      'nonce="a",nonce="b",algorithm=md5-sess', // duplicate
      'nonce="a",charset=latin1,algorithm=md5-sess',
      'nonce="a" x,algorithm=md5-sess',
      '=abc,algorithm=md5-sess',
      'nonce="a",maxbuf=-3,algorithm=md5-sess',
      'rspauth=0123',
      'x'.repeat(2049),
    ];
    for (const b of bad) expect(codeOf(() => decodeChallenge(Buffer.from(b))), b.slice(0, 40)).to.equal('SASL_BAD_CHALLENGE');
    expect(codeOf(() => decodeResponseAuth(Buffer.from('nonce="x"')))).to.equal('SASL_BAD_CHALLENGE');
  });

  it('rejects malformed responses with SASL_BAD_RESPONSE', () => {
    const good = vectors.response as string;
    const bad = [
      good.replace(/username="[^"]*",/, ''),
      good.replace(/cnonce="[^"]*",/, ''),
      good.replace(/response=[0-9a-f]+/, 'response=xyz'),
      good.replace('qop=auth-conf', 'qop=auth-bogus'),
      good.replace('nc=00000001', 'nc=1'),
      good + ',username="again"',
      'y'.repeat(4097),
    ];
    for (const b of bad) expect(codeOf(() => decodeResponse(Buffer.from(b))), b.slice(0, 60)).to.equal('SASL_BAD_RESPONSE');
  });

  it('expands 7 key bytes to 8 DES bytes with odd parity (RFC 2831 2.4)', () => {
    expect(addDesParity(Buffer.alloc(7)).toString('hex')).to.equal('0101010101010101');
    expect(addDesParity(Buffer.alloc(7, 0xff)).toString('hex')).to.equal('fefefefefefefefe');
    // 0x80 00.. : the first 7 bits are 1000000 -> 0x80, parity -> 0x80 has one 1 bit -> stays 0x80
    expect(addDesParity(Buffer.from([0x80, 0, 0, 0, 0, 0, 0])).toString('hex')).to.equal('8001010101010101');
    // bits 8..14 of 0x01 0xfe..: byte0=0000000|1 ...
    expect(addDesParity(Buffer.from([0x01, 0xfc, 0, 0, 0, 0, 0])).toString('hex')).to.equal('01fe010101010101');
  });

  it("picks ciphers like the JDK client: strength first, then the JDK's order", () => {
    expect(chooseCipher(['rc4-40', 'rc4', 'des', '3des'])).to.equal('3des');
    expect(chooseCipher(['rc4', 'des'])).to.equal('rc4');
    expect(chooseCipher(['rc4-56', 'des'])).to.equal('des');
    expect(chooseCipher(['rc4-40'])).to.equal('rc4-40');
    expect(chooseCipher(['3des', 'rc4-40'], ['3des', 'rc4-40'], ['low', 'high'])).to.equal('rc4-40');
    expect(chooseCipher(['aes'])).to.equal(undefined);
  });
});
