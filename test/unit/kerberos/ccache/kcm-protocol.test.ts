// The KCM wire format as MIT cc_kcm.c writes requests and reads replies (kcm.h): framing, the two
// status words, names, UUID and credential lists, REPLACE's parameters; replies fed in split chunks.
import { expect } from 'chai';
import { KerberosError } from '../../../../lib/errors/index.ts';
import {
  encodeKcmRequest, isUnsupported, KCM_OP, kcmName, KcmReplyDecoder, KRB5_CC_IO, KRB5_CC_NOSUPP, KRB5_FCC_INTERNAL, KRB5_FCC_NOFILE, readCredList, readKcmName, readUuidList, replaceParams,
} from '../../../../security/kerberos/ccache/kcm/kcm-protocol.ts';

const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const reply = (outer: number, status: number, body: Buffer) => Buffer.concat([u32(4 + body.length), u32(outer), u32(status), body]);

describe('kerberos ccache: KCM protocol codec', () => {
  it('frames a request: length, version 2.0, 16-bit opcode, zero-terminated name', () => {
    const req = encodeKcmRequest(KCM_OP.GET_PRINCIPAL, kcmName('0:x'));
    expect(req.toString('hex')).to.equal('00000008' + '0200' + '0008' + Buffer.from('0:x\0').toString('hex'));
    expect(encodeKcmRequest(KCM_OP.GET_CRED_LIST, kcmName('0')).subarray(6, 8).readUInt16BE(0)).to.equal(13001);
  });

  it('decodes replies delivered a byte at a time, and two replies in one chunk', () => {
    const d = new KcmReplyDecoder();
    const one = reply(0, 0, Buffer.from('0:1\0'));
    for (let i = 0; i < one.length - 1; i++) {
      d.push(one.subarray(i, i + 1));
      expect(d.take()).to.equal(undefined);
    }
    d.push(one.subarray(one.length - 1));
    const r = d.take()!;
    expect(r.status).to.equal(0);
    expect(readKcmName(r.body)).to.equal('0:1');
    d.push(Buffer.concat([reply(0, KRB5_FCC_NOFILE, Buffer.alloc(0)), reply(0, 0, Buffer.alloc(0))]));
    expect(d.take()!.status).to.equal(KRB5_FCC_NOFILE);
    expect(d.take()!.status).to.equal(0);
  });

  it('an outer (IPC) status is the answer, and its payload is consumed', () => {
    const d = new KcmReplyDecoder();
    d.push(Buffer.concat([u32(4), u32(KRB5_FCC_INTERNAL), u32(0), reply(0, 0, Buffer.from('a\0'))]));
    expect(d.take()).to.deep.equal({ status: KRB5_FCC_INTERNAL, body: Buffer.alloc(0) });
    expect(readKcmName(d.take()!.body)).to.equal('a');
  });

  it('refuses replies over 10 MiB, and malformed names, UUID and credential lists', () => {
    const d = new KcmReplyDecoder();
    d.push(Buffer.concat([u32(10 * 1024 * 1024 + 1), u32(0)]));
    expect(() => d.take()).to.throw(KerberosError, /exceeds/);
    expect(() => readKcmName(Buffer.from('no zero'))).to.throw(KerberosError);
    expect(() => readUuidList(Buffer.alloc(17))).to.throw(KerberosError);
    expect(readUuidList(Buffer.alloc(32, 1))).to.have.length(2);
    expect(() => readCredList(Buffer.concat([u32(1), u32(5), Buffer.from('abc')]))).to.throw(KerberosError, /cut short/);
    expect(() => readCredList(Buffer.concat([u32(1000), u32(0)]))).to.throw(KerberosError);
    expect(readCredList(Buffer.concat([u32(2), u32(3), Buffer.from('abc'), u32(1), Buffer.from('d')])).map(String)).to.deep.equal(['abc', 'd']);
  });

  it('REPLACE parameters: offset, principal, count, {length, credential}', () => {
    const p = Buffer.concat(replaceParams(-5, Buffer.from('P'), [Buffer.from('ab'), Buffer.from('c')]));
    expect(p.toString('hex')).to.equal('fffffffb' + '50' + '00000002' + '00000002' + '6162' + '00000001' + '63');
  });

  it('treats the unsupported-operation answers of Heimdal and sssd as such (cc_kcm.c unsupported_op_error)', () => {
    expect([KRB5_FCC_INTERNAL, KRB5_CC_IO, KRB5_CC_NOSUPP].every(isUnsupported)).to.equal(true);
    expect(isUnsupported(KRB5_FCC_NOFILE)).to.equal(false);
  });
});
