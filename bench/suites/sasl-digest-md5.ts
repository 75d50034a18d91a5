/**
 * DIGEST-MD5 security layer and handshake throughput: wrap (client) + unwrap (server) MB/s per QOP
 * and cipher on 64 KiB and 1 KiB messages, relative to `auth` (no layer: the bytes are only
 * copied); complete in-process handshakes per second; and where per-call overhead dominates,
 * from a two-size linear fit t(n) = fixed + n * perByte of the wrap+unwrap time.
 */
import { createHmac } from 'node:crypto';
import type { Harness } from '../harness.ts';
import type { Qop, SaslSecurityLayer } from '../../security/sasl/mechanism.ts';
import { DigestMd5Client } from '../../security/sasl/mechanisms/digest-md5/client.ts';
import { DigestMd5Server } from '../../security/sasl/mechanisms/digest-md5/server.ts';
import { cipherBackend, type DigestCipherName } from '../../security/sasl/mechanisms/digest-md5/ciphers.ts';
import { tokenClientCredentials } from '../../security/sasl/mechanisms/digest-md5/hadoop-token.ts';

export const name = 'sasl-digest-md5';

const CREDS = tokenClientCredentials(Buffer.from('bench-token-identifier'), Buffer.from('bench-token-password'));

async function handshake(qop: Qop, cipher?: DigestCipherName): Promise<{ client: SaslSecurityLayer; server: SaslSecurityLayer }> {
  const client = new DigestMd5Client({ ...CREDS, qop: [qop], ciphers: cipher ? [cipher] : undefined });
  const server = new DigestMd5Server({ protocol: '', serverName: 'default', qop: [qop], passwordLookup: () => CREDS.password });
  const rspauth = await server.step((await client.step(await server.step(new Uint8Array(0))))!);
  await client.step(rspauth);
  return { client: client.securityLayer(), server: server.securityLayer() };
}

const LAYERS: Array<{ label: string; qop: Qop; cipher?: DigestCipherName }> = [
  { label: 'auth-int', qop: 'auth-int' },
  { label: 'auth-conf 3des', qop: 'auth-conf', cipher: '3des' },
  { label: 'auth-conf rc4', qop: 'auth-conf', cipher: 'rc4' },
  { label: 'auth-conf des', qop: 'auth-conf', cipher: 'des' },
];

export async function run(h: Harness): Promise<void> {
  const sizes = [65536, 1024];
  const perSize = new Map<string, Map<number, number>>();
  for (const size of sizes) {
    const msg = Buffer.alloc(size, 0x5a);
    const group = `wrap+unwrap ${size === 1024 ? '1 KiB' : '64 KiB'}`;
    await h.measure(`${group} auth (copy, no layer)`, () => Buffer.from(msg), { bytesPerOp: size, group, baseline: true });
    for (const l of LAYERS) {
      const { client, server } = await handshake(l.qop, l.cipher);
      const r = await h.measure(`${group} ${l.label}${l.cipher?.startsWith('rc4') ? ` [${cipherBackend(l.cipher)}]` : ''}`, () => server.unwrap(client.wrap(msg)), {
        bytesPerOp: size,
        group,
      });
      if (!perSize.has(l.label)) perSize.set(l.label, new Map());
      perSize.get(l.label)!.set(size, r.nsPerOp);
    }
  }
  // HMAC-MD5 alone: the per-message MAC that auth-int adds on both sides.
  const key = Buffer.alloc(16, 1);
  for (const size of sizes) {
    const msg = Buffer.alloc(size, 0x5a);
    await h.measure(`hmac-md5 x2 ${size === 1024 ? '1 KiB' : '64 KiB'}`, () => {
      createHmac('md5', key).update(msg).digest();
      createHmac('md5', key).update(msg).digest();
    }, { bytesPerOp: size });
  }
  for (const qop of ['auth', 'auth-int', 'auth-conf'] as const) {
    await h.measure(`handshake ${qop}`, () => handshake(qop), { group: 'handshake', baseline: qop === 'auth' });
  }
  for (const [label, bySize] of perSize) {
    const big = bySize.get(65536)!;
    const small = bySize.get(1024)!;
    const perByte = (big - small) / (65536 - 1024);
    const fixed = small - perByte * 1024;
    if (fixed <= 0) {
      h.note(`${label}: ${perByte.toFixed(2)} ns/byte; the two-size fit gives no positive per-call cost (noise: rerun on an idle machine)`);
      continue;
    }
    const share = fixed / small;
    h.note(
      `${label}: fixed per-call cost ~${Math.round(fixed)} ns, ${perByte.toFixed(2)} ns/byte; ` +
        `per-call overhead is ${(share * 100).toFixed(0)}% of a 1 KiB wrap+unwrap (${((fixed / big) * 100).toFixed(1)}% at 64 KiB)` +
        (share > 0.5 ? ' -> per-call overhead dominates at 1 KiB: batch small messages before wrapping' : ''),
    );
  }
}
