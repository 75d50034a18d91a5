/**
 * Sending a KDC request and reading the reply (RFC 4120 section 7.2): UDP datagrams, or TCP with a
 * 4-byte big-endian length prefix (section 7.2.2, high bit reserved). Like MIT's sendto_kdc.c,
 * requests larger than udp_preference_limit go straight to TCP, a KRB_ERR_RESPONSE_TOO_BIG reply
 * over UDP is retried over TCP on the same KDC, each attempt has its own timeout, and the realm's
 * KDCs are tried in krb5.conf order. If none answers: KerberosError KRB_KDC_UNREACHABLE naming
 * every KDC tried, the realm and why each failed.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { KerberosError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { KdcAddress, Krb5Config } from '../config/krb5-conf.ts';
import { kdcsForRealm } from '../config/krb5-conf.ts';
import { KRB_ERROR_CODE } from '../messages/error-codes.ts';
import { MSG_TYPE } from '../messages/constants.ts';
import { decodeKrbError } from '../messages/krb-error.ts';

const log = getLogger('kerberos.transport');

/** Largest reply we accept over TCP (MIT caps at 1 MiB too: sendto_kdc.c). */
export const MAX_TCP_REPLY = 1 << 20;

export interface KdcReply {
  readonly reply: Buffer;
  /** `host:port/proto` of the KDC that answered. */
  readonly kdc: string;
}

/** How a request reaches a realm's KDCs; injectable so tests can interpose. */
export interface KdcTransport {
  send(realm: string, request: Buffer): Promise<KdcReply>;
}

const describe = (k: KdcAddress, proto: string) => `${k.host.includes(':') ? `[${k.host}]` : k.host}:${k.port}/${proto}`;

/** One TCP round trip with a length prefix. */
export function sendTcp(kdc: KdcAddress, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: kdc.host, port: kdc.port });
    const chunks: Buffer[] = [];
    let got = 0;
    const done = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(request.length);
      socket.write(Buffer.concat([len, request]));
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got < 4) return;
      const all = Buffer.concat(chunks);
      const want = all.readUInt32BE(0);
      if (want & 0x80000000 || want > MAX_TCP_REPLY) return done(new Error(`reply length ${want >>> 0} is reserved or exceeds ${MAX_TCP_REPLY} bytes`));
      if (all.length >= 4 + want) done(undefined, all.subarray(4, 4 + want));
    });
    socket.on('error', (e) => done(e));
    socket.on('close', () => done(new Error('connection closed before a complete reply')));
  });
}

/** One UDP round trip. */
export function sendUdp(kdc: KdcAddress, request: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(kdc.host.includes(':') ? 'udp6' : 'udp4');
    const done = (err: Error | undefined, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    const timer = setTimeout(() => done(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => done(e));
    socket.on('message', (msg) => done(undefined, msg));
    // A connected socket surfaces ICMP port-unreachable as ECONNREFUSED instead of a silent timeout.
    socket.connect(kdc.port, kdc.host, () => socket.send(request));
  });
}

function isResponseTooBig(reply: Buffer): boolean {
  if (reply[0] !== (0x60 | MSG_TYPE.KRB_ERROR)) return false;
  try {
    return decodeKrbError(reply).errorCode === KRB_ERROR_CODE.KRB_ERR_RESPONSE_TOO_BIG;
  } catch {
    return false;
  }
}

/** The default transport: the KDCs of krb5.conf's [realms], with its limits and timeouts. */
export class ConfiguredTransport implements KdcTransport {
  readonly #conf: Krb5Config;

  constructor(conf: Krb5Config) {
    this.#conf = conf;
  }

  async send(realm: string, request: Buffer): Promise<KdcReply> {
    const kdcs = kdcsForRealm(this.#conf, realm);
    const timeout = this.#conf.kdcTimeoutMs;
    const failures: string[] = [];
    for (const kdc of kdcs) {
      const tcpFirst = kdc.transport === 'tcp' || (kdc.transport === undefined && request.length > this.#conf.udpPreferenceLimit);
      if (!tcpFirst) {
        try {
          const reply = await sendUdp(kdc, request, timeout);
          if (!isResponseTooBig(reply)) return { reply, kdc: describe(kdc, 'udp') };
          log.debug({ kdc: describe(kdc, 'udp') }, 'KRB_ERR_RESPONSE_TOO_BIG, retrying over TCP');
        } catch (e) {
          failures.push(`${describe(kdc, 'udp')} (${(e as Error).message})`);
          if (kdc.transport === 'udp') continue;
          // A KDC that refuses or ignores UDP may still serve TCP (MIT tries both per server).
        }
      }
      if (kdc.transport === 'udp') continue;
      try {
        const reply = await sendTcp(kdc, request, timeout);
        return { reply, kdc: describe(kdc, 'tcp') };
      } catch (e) {
        failures.push(`${describe(kdc, 'tcp')} (${(e as Error).message})`);
      }
    }
    throw new KerberosError(
      'KRB_KDC_UNREACHABLE',
      `Cannot reach any KDC for realm ${realm}: tried ${failures.join(', ')}. Check that krb5kdc is running and the [realms] ${realm} kdc entries in ${this.#conf.files.join(', ') || 'krb5.conf'}`,
      { realm, kdcs: kdcs.map((k) => `${k.host}:${k.port}`), attempts: failures },
    );
  }
}
