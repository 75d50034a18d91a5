import { expect } from 'chai';
import { decodePreamble, encodePreamble, looksLikeHttp } from '../../../lib/rpc/preamble.ts';
import { AuthProtocol } from '../../../lib/rpc/constants.ts';
import vectors from '../../vectors/ipc-sasl-traces.json' with { type: 'json' };

describe('rpc/preamble', () => {
  it('encodes the SASL preamble exactly as the stock Hadoop 3.4.1 client (hrpc 09 00 df)', () => {
    const expected = vectors.kerberos_getDelegationToken.client_to_server[0]!.preamble_hex;
    expect(Buffer.from(encodePreamble({ authProtocol: AuthProtocol.SASL })).toString('hex')).to.equal(expected);
    expect(decodePreamble(Buffer.from(expected!, 'hex'))).to.deep.equal({ version: 9, serviceClass: 0, authProtocol: -33 });
  });

  it('encodes NONE and a service class', () => {
    expect(Buffer.from(encodePreamble({ authProtocol: AuthProtocol.NONE, serviceClass: 3 })).toString('hex')).to.equal('68727063090300');
  });

  it('rejects bad magic, other versions, unknown auth protocols and short input with codes', () => {
    expect(() => decodePreamble(Buffer.from('hrpd\x09\x00\xdf', 'latin1'))).to.throw().with.property('code', 'PROTOCOL_MALFORMED');
    expect(() => decodePreamble(Buffer.from('hrpc\x08\x00\xdf', 'latin1'))).to.throw().with.property('code', 'PROTOCOL_VERSION');
    expect(() => decodePreamble(Buffer.from('hrpc\x09\x00\x05', 'latin1'))).to.throw().with.property('code', 'PROTOCOL_MALFORMED');
    expect(() => decodePreamble(Buffer.from('hrpc', 'latin1'))).to.throw().with.property('code', 'PROTOCOL_TRUNCATED');
  });

  it('recognises an HTTP request on the RPC port', () => {
    expect(looksLikeHttp(Buffer.from('GET / HTTP/1.1'))).to.equal(true);
    expect(looksLikeHttp(Buffer.from('hrpc\x09'))).to.equal(false);
  });
});
