/**
 * Kerberos GSS throughput and handshake rate: RFC 4121 Wrap + Unwrap MB/s per AES enctype with
 * integrity only (auth-int) and with confidentiality (auth-conf), on 64 KiB and 1 KiB messages,
 * relative to a plain copy; AP exchanges (initiator AP-REQ, acceptor with replay cache and
 * AP-REP, initiator AP-REP check) per second in-process; and full AS + TGS + AP handshakes per
 * second against a real MIT KDC (MiniKdc), when krb5kdc is installed.
 */
import { join } from 'node:path';
import type { Harness } from '../harness.ts';
import { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';
import { requestInitialTicket } from '../../security/kerberos/client/as-exchange.ts';
import { requestServiceTicket } from '../../security/kerberos/client/tgs-exchange.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import { getProfile, randomKey, supportedEtypes } from '../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../security/kerberos/gss/acceptor-credential.ts';
import { AcceptorContext } from '../../security/kerberos/gss/acceptor.ts';
import { InitiatorContext } from '../../security/kerberos/gss/initiator.ts';
import { GssSecurityContext } from '../../security/kerberos/gss/security-context.ts';
import { GSS_FLAGS } from '../../security/kerberos/gss/authenticator-checksum.ts';
import { readKeytabSync, parsePrincipal } from '../../security/kerberos/keytab/index.ts';
import type { Credential } from '../../security/kerberos/types.ts';
import { alice, nn, ticketFor } from '../../test/support/kerberos-tickets.ts';

export const name = 'kerberos';

const FLAGS = GSS_FLAGS.MUTUAL | GSS_FLAGS.REPLAY | GSS_FLAGS.SEQUENCE | GSS_FLAGS.CONF | GSS_FLAGS.INTEG;

function contextPair(etype: number): { ini: GssSecurityContext; acc: GssSecurityContext } {
  const base = {
    initiatorName: alice,
    acceptorName: nn,
    sessionKey: randomKey(etype),
    initiatorSubkey: randomKey(etype),
    acceptorSubkey: randomKey(etype),
    flags: FLAGS,
    endTime: Date.now() + 3_600_000,
  };
  return {
    ini: new GssSecurityContext({ ...base, role: 'initiator', sendSeq: 1, recvSeq: 7 }),
    acc: new GssSecurityContext({ ...base, role: 'acceptor', sendSeq: 7, recvSeq: 1 }),
  };
}

function apExchange(credential: Credential, acceptor: AcceptorCredential): void {
  const ini = new InitiatorContext({ credential });
  ini.step(new AcceptorContext({ credential: acceptor }).step(ini.step()!)!);
  if (!ini.isEstablished) throw new Error('AP exchange did not complete');
}

export async function run(h: Harness): Promise<void> {
  for (const size of [65536, 1024]) {
    const msg = Buffer.alloc(size, 0x5a);
    const group = `gss wrap+unwrap ${size === 1024 ? '1 KiB' : '64 KiB'}`;
    await h.measure(`${group} copy (no layer)`, () => Buffer.from(msg), { bytesPerOp: size, group, baseline: true });
    for (const etype of supportedEtypes) {
      const { ini, acc } = contextPair(etype);
      for (const conf of [false, true]) {
        await h.measure(`${group} ${getProfile(etype).name} ${conf ? 'auth-conf' : 'auth-int'}`, () => acc.unwrap(ini.wrap(msg, conf)), { bytesPerOp: size, group });
      }
    }
  }

  for (const etype of supportedEtypes) {
    const service: ServiceKey = { principal: nn, kvno: 1, key: randomKey(etype) };
    const acceptor = new AcceptorCredential([service]);
    const credential = ticketFor(service);
    await h.measure(`AP exchange in-process ${getProfile(etype).name}`, () => apExchange(credential, acceptor), { group: 'handshake' });
  }

  if (!whichBinary('krb5kdc') || !whichBinary('kadmin.local')) {
    h.note('AS+TGS+AP against MiniKdc skipped: krb5kdc / kadmin.local not installed (apt-get install krb5-kdc krb5-admin-server)');
    return;
  }
  const kdc = await MiniKdc.start({ realm: 'BENCH.TEST' });
  try {
    const aliceKt = join(kdc.dir, 'alice.keytab');
    const nnKt = join(kdc.dir, 'nn.keytab');
    await kdc.createKeytab(aliceKt, 'alice');
    await kdc.createKeytab(nnKt, 'nn/localhost');
    const conf = loadKrb5Config(kdc.krb5ConfPath);
    const keytab = readKeytabSync(aliceKt);
    const acceptor = AcceptorCredential.fromKeytab(nnKt);
    const client = parsePrincipal(kdc.principal('alice'));
    const server = parsePrincipal(kdc.principal('nn/localhost'));
    const full = async (): Promise<void> => {
      const tgt = await requestInitialTicket({ client, secret: { keytab }, conf });
      const st = await requestServiceTicket({ tgt: tgt.credential, conf }, server);
      apExchange(st.credential, acceptor);
    };
    await h.measure('AS+TGS+AP against MiniKdc (MIT krb5kdc)', full, { group: 'handshake', durationMs: 2000 });
    const tgt = (await requestInitialTicket({ client, secret: { keytab }, conf })).credential;
    await h.measure('TGS+AP against MiniKdc (cached TGT)', async () => {
      apExchange((await requestServiceTicket({ tgt, conf }, server)).credential, acceptor);
    }, { group: 'handshake', durationMs: 2000 });
  } finally {
    await kdc.stop();
  }
}
