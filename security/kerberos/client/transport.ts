/**
 * Sending a KDC request to a realm and reading the reply (RFC 4120 section 7.2), as MIT's
 * sendto_kdc.c / locate_kdc.c do: the realm's KDCs in krb5.conf order; each host name resolved
 * once (every address it has is tried); requests larger than udp_preference_limit go straight to
 * TCP; a KRB_ERR_RESPONSE_TOO_BIG reply over UDP is retried over TCP on the same KDC; a KDC that
 * refuses or ignores UDP is tried over TCP; each attempt has its own kdc_timeout. An attempt
 * silent for a second publishes `hsec:kerberos:kdc-waiting`. If no KDC answers, the result is
 * KerberosError KRB_KDC_UNREACHABLE ("Cannot contact any KDC for realm", as MIT says) naming every
 * host, address and transport tried and why each failed (DNS, refused, reset, timeout ...).
 * Socket I/O is in ./kdc-socket.ts.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { KerberosError } from '../../../lib/errors/index.ts';
import { getLogger } from '../../../lib/log/logger.ts';
import type { KdcAddress, Krb5Config } from '../config/krb5-conf.ts';
import { kdcsForRealm } from '../config/krb5-conf.ts';
import { KRB_ERROR_CODE } from '../messages/error-codes.ts';
import { MSG_TYPE } from '../messages/constants.ts';
import { decodeKrbError } from '../messages/krb-error.ts';
import { publishKdcWaiting } from './events.ts';
import { describeSocketError, hostPort, KdcAttemptError, sendTcp, sendUdp, type KdcProto, type KdcTarget } from './kdc-socket.ts';

export { MAX_TCP_REPLY, sendTcp, sendUdp } from './kdc-socket.ts';

const log = getLogger('kerberos.transport');

export interface KdcReply {
  readonly reply: Buffer;
  /** `host:port/proto` of the KDC that answered. */
  readonly kdc: string;
}

/** How a request reaches a realm's KDCs; injectable so tests can interpose. */
export interface KdcTransport {
  send(realm: string, request: Buffer): Promise<KdcReply>;
}

function isResponseTooBig(reply: Buffer): boolean {
  if (reply[0] !== (0x60 | MSG_TYPE.KRB_ERROR)) return false;
  try {
    return decodeKrbError(reply).errorCode === KRB_ERROR_CODE.KRB_ERR_RESPONSE_TOO_BIG;
  } catch {
    return false;
  }
}

/** The addresses of a KDC host (a literal is its own address); a DNS failure is a KdcAttemptError. */
async function resolveKdc(kdc: KdcAddress): Promise<string[]> {
  if (isIP(kdc.host)) return [kdc.host];
  try {
    const found = await lookup(kdc.host, { all: true });
    return found.map((a) => a.address);
  } catch (e) {
    const { reason, errno } = describeSocketError(e);
    throw new KdcAttemptError(kdc, 'dns', reason, errno, e);
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
    const failures: KdcAttemptError[] = [];
    for (const kdc of kdcs) {
      let addresses: string[];
      try {
        addresses = await resolveKdc(kdc);
      } catch (e) {
        failures.push(e as KdcAttemptError);
        continue;
      }
      for (const address of addresses) {
        const reply = await this.#tryAddress(realm, kdc, address, request, failures);
        if (reply) return reply;
      }
    }
    throw this.#unreachable(realm, kdcs, failures);
  }

  /** UDP then TCP (or TCP only) to one address; failures are appended, a reply is returned. */
  async #tryAddress(realm: string, kdc: KdcAddress, address: string, request: Buffer, failures: KdcAttemptError[]): Promise<KdcReply | undefined> {
    const target: KdcTarget = { host: kdc.host, port: kdc.port, address };
    const tcpFirst = kdc.transport === 'tcp' || (kdc.transport === undefined && request.length > this.#conf.udpPreferenceLimit);
    const where = (proto: KdcProto) => `${hostPort(kdc.host, kdc.port)}/${proto}`;
    if (!tcpFirst) {
      try {
        const reply = await sendUdp(target, request, this.#conf.kdcTimeoutMs, this.#hooks(realm, target, 'udp'));
        if (!isResponseTooBig(reply)) return { reply, kdc: where('udp') };
        log.debug({ kdc: where('udp') }, 'KRB_ERR_RESPONSE_TOO_BIG, retrying over TCP');
      } catch (e) {
        failures.push(e as KdcAttemptError);
        // A KDC that refuses or ignores UDP may still serve TCP (MIT tries both per server).
        if (kdc.transport === 'udp') return undefined;
      }
    }
    if (kdc.transport === 'udp') return undefined;
    try {
      const reply = await sendTcp(target, request, this.#conf.kdcTimeoutMs, this.#hooks(realm, target, 'tcp'));
      return { reply, kdc: where('tcp') };
    } catch (e) {
      failures.push(e as KdcAttemptError);
      return undefined;
    }
  }

  #hooks(realm: string, target: KdcTarget, transport: KdcProto) {
    const timeoutMs = this.#conf.kdcTimeoutMs;
    return {
      onWaiting: (waitedMs: number) =>
        publishKdcWaiting({ realm, kdc: hostPort(target.host, target.port), address: target.address ?? target.host, transport, waitedMs, timeoutMs }),
    };
  }

  #unreachable(realm: string, kdcs: readonly KdcAddress[], failures: readonly KdcAttemptError[]): KerberosError {
    // Each names host:port/proto, the address when the host is a name (localhost: 127.0.0.1, ::1), and why.
    const tried = failures.map((f) => f.message);
    const files = this.#conf.files.join(', ') || 'krb5.conf';
    return new KerberosError(
      'KRB_KDC_UNREACHABLE',
      `Cannot contact any KDC for realm ${realm} (tried ${tried.join('; ')}). Check that the KDC is running and reachable, and the kdc entries of [realms] ${realm} in ${files}`,
      { realm, kdcs: kdcs.map((k) => hostPort(k.host, k.port)), attempts: tried, errnos: failures.map((f) => f.errno ?? 'none') },
    );
  }
}
