/**
 * The KDC probe of `hsec kdiag` (Hadoop's KDiag only dumps krb5.conf; operators then reach for
 * `nc` and `date`): one unauthenticated AS-REQ (RFC 4120 section 3.1.1, no padata) to every address
 * of every KDC of the realm, over UDP and TCP as krb5.conf allows, each with a bounded timeout. The
 * KDC answers a KRB-ERROR (PREAUTH_REQUIRED, C_PRINCIPAL_UNKNOWN ...) whose stime/susec is its
 * clock (section 5.9.1) and, for PREAUTH_REQUIRED, the enctype it wants pre-authentication in (ETYPE-INFO2),
 * or an AS-REP (a principal without +requires_preauth; it is not decrypted).
 * The clock offset is the KDC's time minus ours at the middle of the round trip. Nothing is sent
 * that proves an identity; no key is used.
 */
import { randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from '../../../lib/time/clock.ts';
import type { KdcAddress, Krb5Config } from '../../../security/kerberos/config/krb5-conf.ts';
import { sendTcp, sendUdp } from '../../../security/kerberos/client/transport.ts';
import { readKdcAnswer } from '../../../security/kerberos/client/kdc-reply.ts';
import { describeSocketError, hostPort, type KdcProto } from '../../../security/kerberos/client/kdc-socket.ts';
import { MSG_TYPE, PA_TYPE } from '../../../security/kerberos/messages/constants.ts';
import { KRB_ERROR_CODE, krbErrorName } from '../../../security/kerberos/messages/error-codes.ts';
import { decodeEtypeInfo2, decodeMethodData } from '../../../security/kerberos/messages/pa-data.ts';
import { encodeKdcReq } from '../../../security/kerberos/messages/kdc-req.ts';
import type { Principal } from '../../../security/kerberos/types.ts';
import { DEFAULT_ENCTYPES } from '../../../security/kerberos/config/enctypes.ts';
import { isSupportedEtype } from '../../../security/kerberos/crypto/registry.ts';
import { tgsPrincipal } from '../../../security/kerberos/client/as-exchange.ts';

/** The most a probe attempt waits (kdc_timeout when shorter). */
export const PROBE_TIMEOUT_MS = 3000;

/** One attempt: where, how, and what came back. */
export interface ProbeResult {
  /** `host:port/proto`, with ` at address` when the host is a name. */
  readonly target: string;
  readonly proto: KdcProto | 'dns';
  readonly ok: boolean;
  /** What answered (`KRB-ERROR KDC_ERR_PREAUTH_REQUIRED`, `AS-REP`) or why nothing did. */
  readonly outcome: string;
  /** The KRB-ERROR code, when the answer was one. */
  readonly errorCode?: number;
  readonly roundTripMs?: number;
  /** KDC time minus ours, ms (only from a KRB-ERROR). */
  readonly offsetMs?: number;
  /** With PREAUTH_REQUIRED: the enctypes the KDC lists in ETYPE-INFO2 (its choice among the principal's keys of those offered). */
  readonly kdcEtypes?: readonly number[];
}

/** The ETYPE-INFO2 enctypes of a PREAUTH_REQUIRED error's METHOD-DATA (RFC 4120 section 5.2.7.5); [] when absent or undecodable. */
export function etypeInfoEtypes(eData: Buffer | undefined): number[] {
  if (!eData?.length) return [];
  try {
    const info = decodeMethodData(eData).find((p) => p.type === PA_TYPE.ETYPE_INFO2);
    return info ? decodeEtypeInfo2(info.value).map((e) => e.etype) : [];
  } catch {
    return [];
  }
}

/** The transports krb5.conf lets a KDC entry use (a `tcp/` or `udp/` prefix restricts it). */
export function probeTransports(kdc: KdcAddress): KdcProto[] {
  return kdc.transport ? [kdc.transport] : ['udp', 'tcp'];
}

/** KDC time minus ours: the KRB-ERROR's stime/susec against the middle of the round trip. */
export function clockOffsetMs(stimeMs: number, susec: number, sentAt: number, receivedAt: number): number {
  return Math.round(stimeMs + susec / 1000 - (sentAt + receivedAt) / 2);
}

async function addressesOf(host: string): Promise<{ addresses: string[] } | { error: string }> {
  if (isIP(host)) return { addresses: [host] };
  try {
    return { addresses: (await lookup(host, { all: true })).map((a) => a.address) };
  } catch (e) {
    return { error: describeSocketError(e).reason };
  }
}

/** Probes every address and transport of `kdcs` for `client`'s realm; never throws for a network failure. */
export async function probeKdcs(kdcs: readonly KdcAddress[], client: Principal, conf: Krb5Config, clock: Clock): Promise<ProbeResult[]> {
  const timeoutMs = Math.min(conf.kdcTimeoutMs, PROBE_TIMEOUT_MS);
  // The enctypes a login would offer (an empty list would be refused as malformed).
  const wanted = conf.defaultTktEnctypes.filter(isSupportedEtype);
  const offered = wanted.length > 0 ? wanted : DEFAULT_ENCTYPES.filter(isSupportedEtype);
  const results: ProbeResult[] = [];
  for (const kdc of kdcs) {
    const where = hostPort(kdc.host, kdc.port);
    const found = await addressesOf(kdc.host);
    if ('error' in found) {
      results.push({ target: `${where} (DNS)`, proto: 'dns', ok: false, outcome: found.error });
      continue;
    }
    for (const address of found.addresses) {
      for (const proto of probeTransports(kdc)) {
        const target = `${where}/${proto}${address !== kdc.host ? ` at ${address}` : ''}`;
        results.push(await probeOne({ host: kdc.host, port: kdc.port, address }, proto, target, client, timeoutMs, clock, offered));
      }
    }
  }
  return results;
}

async function probeOne(target: { host: string; port: number; address: string }, proto: KdcProto, label: string, client: Principal, timeoutMs: number, clock: Clock, offered: readonly number[]): Promise<ProbeResult> {
  const now = clock.now();
  const request = encodeKdcReq({
    msgType: MSG_TYPE.AS_REQ,
    padata: [],
    reqBody: { kdcOptions: 0, cname: client.name, realm: client.realm, sname: tgsPrincipal(client.realm).name, till: now + 600_000, nonce: randomInt(0, 0x7fffffff), etypes: offered },
  });
  const sentAt = clock.now();
  let reply: Buffer;
  try {
    reply = await (proto === 'udp' ? sendUdp : sendTcp)(target, request, timeoutMs);
  } catch (e) {
    const reason = e instanceof Error && 'reason' in e ? String((e as { reason: unknown }).reason) : describeSocketError(e).reason;
    return { target: label, proto, ok: false, outcome: reason };
  }
  const receivedAt = clock.now();
  const roundTripMs = receivedAt - sentAt;
  try {
    const answer = readKdcAnswer(reply, MSG_TYPE.AS_REP, label);
    if (answer.kind === 'reply') return { target: label, proto, ok: true, outcome: 'AS-REP', roundTripMs };
    const e = answer.error;
    const kdcEtypes = e.errorCode === KRB_ERROR_CODE.KDC_ERR_PREAUTH_REQUIRED ? { kdcEtypes: etypeInfoEtypes(e.eData) } : {};
    return { target: label, proto, ok: true, outcome: `KRB-ERROR ${krbErrorName(e.errorCode)}`, errorCode: e.errorCode, roundTripMs, offsetMs: clockOffsetMs(e.stime, e.susec, sentAt, receivedAt), ...kdcEtypes };
  } catch (e) {
    return { target: label, proto, ok: false, outcome: `answered with bytes that are not a Kerberos reply (${e instanceof Error ? e.message : String(e)})`, roundTripMs };
  }
}
