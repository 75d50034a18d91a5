/**
 * AES cipher option negotiation pieces (DataTransferSaslUtil.negotiateCipherOption): the
 * dfs.encrypt.data.transfer.cipher.* values, when a client offers, what a DataNode picks, and the
 * keys wrapped by a real DIGEST-MD5 layer (3des: 16-byte key -> 38 bytes, as in Hadoop's trace) and
 * unwrapped in the same order.
 */
import { expect } from 'chai';
import { DigestMd5Client } from '../../../security/sasl/mechanisms/digest-md5/client.ts';
import { DigestMd5Server } from '../../../security/sasl/mechanisms/digest-md5/server.ts';
import type { DigestCipherName } from '../../../security/sasl/mechanisms/digest-md5/ciphers.ts';
import type { SaslSecurityLayer } from '../../../security/sasl/mechanism.ts';
import {
  checkAesCtrOption,
  clientCipherOptions,
  negotiateCipherOption,
  parseCipherSuites,
  parseKeyBitLength,
  unwrapCipherOption,
  wrapCipherOption,
} from '../../../security/datatransfer/cipher-option.ts';
import { throwsCode } from '../../support/errors.ts';

const AES = 'AES/CTR/NoPadding';

async function layers(cipher: DigestCipherName): Promise<{ client: SaslSecurityLayer; server: SaslSecurityLayer }> {
  const client = new DigestMd5Client({ username: 'u', password: 'p', protocol: 'hdfs', serverName: '0', qop: ['auth-conf'], ciphers: [cipher] });
  const server = new DigestMd5Server({ protocol: 'hdfs', serverName: '0', qop: ['auth-conf'], passwordLookup: () => 'p' });
  const response = await client.step(await server.step(new Uint8Array(0)));
  await client.step(await server.step(response!));
  return { client: client.securityLayer(), server: server.securityLayer() };
}

describe('data transfer AES cipher option', () => {
  it('reads dfs.encrypt.data.transfer.cipher.suites and .key.bitlength as Hadoop allows them', () => {
    expect(parseCipherSuites(undefined)).to.equal(undefined);
    expect(parseCipherSuites('  ')).to.equal(undefined);
    expect(parseCipherSuites(AES)).to.equal(AES);
    expect(throwsCode(() => parseCipherSuites('SM4/CTR/NoPadding'), 'CONFIG_INVALID').message).to.contain('not supported by hsec');
    expect(throwsCode(() => parseCipherSuites('AES/CBC/PKCS5Padding'), 'CONFIG_INVALID').details['configKey']).to.equal('dfs.encrypt.data.transfer.cipher.suites');
    expect([128, 192, 256].map(parseKeyBitLength)).to.deep.equal([128, 192, 256]);
    throwsCode(() => parseKeyBitLength(100), 'CONFIG_INVALID');
  });

  it('a client offers AES/CTR only when its QOP list includes auth-conf and the suite is configured', () => {
    expect(clientCipherOptions(['auth-conf'], AES)).to.deep.equal([{ suite: 2 }]);
    expect(clientCipherOptions(['auth-int', 'auth-conf'], AES)).to.deep.equal([{ suite: 2 }]);
    expect(clientCipherOptions(['auth-int'], AES)).to.equal(undefined);
    expect(clientCipherOptions(['auth-conf'], undefined)).to.equal(undefined);
  });

  it('a DataNode picks AES/CTR only when configured and offered, with keys of its own bit length', () => {
    expect(negotiateCipherOption(undefined, 128, [{ suite: 2 }])).to.equal(undefined);
    expect(negotiateCipherOption(AES, 128, [])).to.equal(undefined);
    expect(negotiateCipherOption(AES, 128, [{ suite: 3 }, { suite: 1 }])).to.equal(undefined);
    const o = negotiateCipherOption(AES, 192, [{ suite: 3 }, { suite: 2 }])!;
    expect([o.inKey.length, o.inIv.length, o.outKey.length, o.outIv.length]).to.deep.equal([24, 16, 24, 16]);
    throwsCode(() => negotiateCipherOption('AES/CBC/NoPadding', 128, [{ suite: 2 }]), 'CONFIG_INVALID');
  });

  for (const [cipher, wrappedLength] of [['3des', 38], ['rc4', 32], ['des', 38]] as const) {
    it(`wraps the keys with the SASL layer (${cipher}: 16 bytes -> ${wrappedLength}), IVs in clear, and unwraps them`, async () => {
      const { client, server } = await layers(cipher);
      const option = negotiateCipherOption(AES, 128, [{ suite: 2 }])!;
      const wire = wrapCipherOption(option, server);
      expect(wire.inKey!.length).to.equal(wrappedLength);
      expect(wire.outKey!.length).to.equal(wrappedLength);
      expect(wire.inIv).to.equal(option.inIv);
      // inKey went first: sequence number 0, outKey 1 (the trailer's last 4 bytes)
      expect(Buffer.from(wire.inKey!).readUInt32BE(wrappedLength - 4)).to.equal(0);
      expect(Buffer.from(wire.outKey!).readUInt32BE(wrappedLength - 4)).to.equal(1);
      expect(unwrapCipherOption(wire, client)).to.deep.equal(option);
    });
  }

  it('the client checks the suite, that keys and IVs are present, and their lengths', async () => {
    const { client, server } = await layers('3des');
    const option = negotiateCipherOption(AES, 256, [{ suite: 2 }])!;
    throwsCode(() => unwrapCipherOption({ ...wrapCipherOption(option, server), suite: 3 }, client), 'DATA_TRANSFER_CIPHER');
    throwsCode(() => unwrapCipherOption({ suite: 2, inKey: Buffer.alloc(1) }, client), 'DATA_TRANSFER_CIPHER');
    throwsCode(() => checkAesCtrOption({ ...option, outKey: Buffer.alloc(16) }), 'DATA_TRANSFER_CIPHER');
    throwsCode(() => checkAesCtrOption({ ...option, inKey: Buffer.alloc(20), outKey: Buffer.alloc(20) }), 'DATA_TRANSFER_CIPHER');
    throwsCode(() => checkAesCtrOption({ ...option, outIv: Buffer.alloc(8) }), 'DATA_TRANSFER_CIPHER');
  });
});
