/**
 * Hadoop IPC calls per second by QOP (hadoop.rpc.protection authentication / integrity / privacy),
 * for KERBEROS (GSSAPI, in-process tickets: test/support/kerberos-tickets.ts) and TOKEN (DIGEST-MD5 with a
 * real delegation-token secret manager), over 1 and 16 connections, with 1 KiB and 64 KiB echo calls
 * and 64 calls in flight per measured batch:
 *
 * - hsec to hsec: auth, auth-int, auth-conf with fast privacy (hsec.rpc.privacy.fast, the default:
 *   TLS PSK channel after SASL, docs/fast-privacy.md) and auth-conf with it off (standard SASL
 *   wrapping, what a stock Hadoop peer gets);
 * - hsec's RpcClient against a JDK server that wraps as stock Hadoop does (bench/java/JdkIpcEchoServer.java:
 *   javax.security.sasl, one WRAP per response), its KERBEROS against a MiniKdc.
 *
 * The variants of one comparison are measured in alternating slices (Harness.measureInterleaved),
 * so the load of a busy machine hits them alike; ratios are to auth. Writes docs/bench-rpc-qop.svg
 * (calls/s per QOP) and docs/bench-rpc-qop.md (the numbers, machine and load).
 * Goal (issue 11): hsec to hsec, 16 connections, 1 KiB: auth-conf at least 0.85 of auth, KERBEROS and TOKEN.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult, Harness, InterleavedEntry } from '../harness.ts';
import { renderBarChart, type ChartGroup } from '../svg-chart.ts';
import { MiniKdc } from '../../cluster/mini/mini-kdc.ts';
import { whichBinary } from '../../cluster/mini/binaries.ts';
import { loadKrb5Config } from '../../security/kerberos/config/index.ts';
import { ETYPE } from '../../security/kerberos/crypto/profile.ts';
import { randomKey } from '../../security/kerberos/crypto/index.ts';
import { AcceptorCredential, type ServiceKey } from '../../security/kerberos/gss/acceptor-credential.ts';
import { loginFromKeytab } from '../../security/kerberos/login/index.ts';
import { DefaultSaslPropertiesResolver } from '../../security/resolver/index.ts';
import { kerberosClient, kerberosServer, RpcClient, RpcServer, delegationTokenAuthority, type RpcCallOptions } from '../../security/sasl/rpc/index.ts';
import { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import { alice, nn, ticketFor } from '../../test/support/kerberos-tickets.ts';
import { JavaServer, jdkAvailable } from '../jdk.ts';

export const name = 'rpc';

const PROTOCOL = 'org.hsec.bench.EchoProtocol';
const IN_FLIGHT = 64;
const SIZES = [1024, 64 * 1024];
const CONNECTIONS = [1, 16];
const METHODS = ['KERBEROS', 'TOKEN'] as const;
type Method = (typeof METHODS)[number];

const PROTECTION = { auth: 'authentication', 'auth-int': 'integrity', 'auth-conf': 'privacy' } as const;
type Qop = keyof typeof PROTECTION;
interface Variant {
  readonly label: string;
  readonly qop: Qop;
  readonly fast: boolean;
}
const HSEC_VARIANTS: readonly Variant[] = [
  { label: 'auth', qop: 'auth', fast: true },
  { label: 'auth-int', qop: 'auth-int', fast: true },
  { label: 'auth-conf, fast privacy', qop: 'auth-conf', fast: true },
  { label: 'auth-conf, standard wrap', qop: 'auth-conf', fast: false },
];
const JDK_VARIANTS: readonly Variant[] = [
  { label: 'auth', qop: 'auth', fast: false },
  { label: 'auth-int', qop: 'auth-int', fast: false },
  { label: 'auth-conf, standard wrap', qop: 'auth-conf', fast: false },
];
const COLORS: Record<string, string> = {
  auth: '#4e79a7',
  'auth-int': '#f28e2b',
  'auth-conf, fast privacy': '#59a14f',
  'auth-conf, standard wrap': '#e15759',
};

const resolverFor = (qop: Qop): DefaultSaslPropertiesResolver =>
  new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? PROTECTION[qop] : undefined) });
const sizeLabel = (size: number): string => (size === 1024 ? '1 KiB' : `${size / 1024} KiB`);

/** One measured endpoint: a client and the credentials of each of its connections. */
interface Endpoint {
  readonly client: RpcClient;
  readonly address: { host: string; port: number };
  readonly credentials: readonly RpcCallOptions[];
  stop(): Promise<void>;
}

function batch(e: Endpoint, connections: number, payload: Uint8Array): () => Promise<unknown> {
  return () => Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => e.client.call(e.address, PROTOCOL, 'echo', payload, e.credentials[i % connections]!)));
}

export async function run(h: Harness): Promise<void> {
  const load = { before: loadavg() };
  const secretManager = new DelegationTokenSecretManager();
  await secretManager.start(false);
  const service: ServiceKey = { principal: nn, kvno: 1, key: randomKey(ETYPE.AES256_CTS_HMAC_SHA1_96) };
  const acceptor = new AcceptorCredential([service]);
  const tickets = { getServiceTicket: async () => ticketFor(service) };
  try {
    for (const method of METHODS) {
      for (const connections of CONNECTIONS) {
        for (const size of SIZES) {
          const endpoints: Endpoint[] = [];
          try {
            for (const v of HSEC_VARIANTS) endpoints.push(await hsecEndpoint(method, v, secretManager, acceptor, tickets));
            await compare(h, `${method} hsec to hsec, ${connections} conn, ${sizeLabel(size)}`, HSEC_VARIANTS, endpoints, connections, size);
          } finally {
            for (const e of endpoints) await e.stop();
          }
        }
      }
    }
    await jdkPeer(h, secretManager);
  } finally {
    await secretManager.stop();
  }
  const goals = METHODS.map((m) => {
    const group = `${m} hsec to hsec, 16 conn, 1 KiB`;
    const r = h.results.find((x) => x.group === group && x.name.endsWith('auth-conf, fast privacy'));
    const base = h.results.find((x) => x.group === group && x.baseline);
    const ratio = r && base ? r.opsPerSec / base.opsPerSec : NaN;
    return `${m} ${ratio.toFixed(3)} (${ratio >= 0.85 ? 'MET' : 'MISSED'})`;
  });
  h.note(`goal: hsec to hsec, 16 connections, 1 KiB, auth-conf (fast privacy) / auth >= 0.85: ${goals.join(', ')}`);
  writeDocs(h.results, { before: load.before, after: loadavg() });
}

/** Measures the variants of one comparison in alternating slices and notes calls/s. */
async function compare(h: Harness, group: string, variants: readonly Variant[], endpoints: readonly Endpoint[], connections: number, size: number): Promise<void> {
  const payload = Buffer.alloc(size, 0x61);
  const entries: InterleavedEntry[] = [];
  for (let i = 0; i < variants.length; i++) {
    const run = batch(endpoints[i]!, connections, payload);
    await run(); // open and authenticate every connection before measuring
    entries.push({ name: `${group}: ${variants[i]!.label}`, fn: run, options: { group, baseline: i === 0, bytesPerOp: IN_FLIGHT * size * 2 } });
  }
  // More rounds where a call is cheap (the goal's comparison): the noise of a busy machine averages out.
  const results = await h.measureInterleaved(entries, size <= 1024 ? 10 : 4);
  h.note(`${group}: ${results.map((r, i) => `${variants[i]!.label} ${(r.opsPerSec * IN_FLIGHT).toFixed(0)} calls/s`).join(', ')}`);
}

async function hsecEndpoint(method: Method, v: Variant, secretManager: DelegationTokenSecretManager, acceptor: AcceptorCredential, tickets: { getServiceTicket(): Promise<ReturnType<typeof ticketFor>> }): Promise<Endpoint> {
  const resolver = resolverFor(v.qop);
  const server = new RpcServer({
    authentication: 'kerberos',
    kerberos: kerberosServer('nn/localhost@BENCH.TEST', acceptor),
    tokenAuthority: delegationTokenAuthority(secretManager),
    resolver,
    fastPrivacy: v.fast,
    authorizeProxy: () => undefined, // KERBEROS connections are told apart by the effective user
  });
  server.registerProtocol(PROTOCOL, { echo: (req) => req });
  const { port } = await server.start('127.0.0.1', 0);
  const client = new RpcClient({ resolver, fastPrivacy: v.fast });
  const credentials: RpcCallOptions[] = [];
  const kerberos = kerberosClient(tickets, { principal: `${alice.name.components[0]}@BENCH.TEST`, serverPrincipal: 'nn/localhost@BENCH.TEST' });
  for (let i = 0; i < 16; i++) {
    if (method === 'KERBEROS') credentials.push({ kerberos, user: `bench${i}` });
    else credentials.push({ tokens: [(await secretManager.createToken({ owner: `bench${i}@BENCH.TEST`, renewer: 'yarn', service: `127.0.0.1:${port}` })).token] });
  }
  return { client, address: { host: '127.0.0.1', port }, credentials, stop: async () => (client.stop(), await server.stop()) };
}

/** hsec's RpcClient against the JDK server (standard wrapping), TOKEN and KERBEROS (MiniKdc). */
async function jdkPeer(h: Harness, secretManager: DelegationTokenSecretManager): Promise<void> {
  if (!jdkAvailable() || !whichBinary('krb5kdc') || !whichBinary('kadmin.local')) {
    h.note('JDK peer skipped: needs java/javac and krb5kdc/kadmin.local (apt-get install openjdk-17-jdk-headless krb5-kdc krb5-admin-server)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hsec-bench-rpc-'));
  const kdc = await MiniKdc.start({ realm: 'BENCH.TEST' });
  try {
    const nnKt = join(kdc.dir, 'nn.keytab');
    const aliceKt = join(kdc.dir, 'alice.keytab');
    await kdc.createKeytab(nnKt, 'nn/localhost');
    await kdc.createKeytab(aliceKt, 'alice');
    const login = await loginFromKeytab(kdc.principal('alice'), aliceKt, { conf: loadKrb5Config(kdc.krb5ConfPath), autoRefresh: false });
    const tokens = await Promise.all(Array.from({ length: 16 }, (_, i) => secretManager.createToken({ owner: `bench${i}@BENCH.TEST`, renewer: 'yarn', service: 'unset' })));
    const tokenFile = join(dir, 'tokens');
    writeFileSync(tokenFile, tokens.map(({ token }) => `${Buffer.from(token.identifier).toString('base64')} ${Buffer.from(token.password).toString('base64')}`).join('\n'), { mode: 0o600 });
    try {
      for (const method of METHODS) {
        const servers: JavaServer[] = [];
        try {
          for (const v of JDK_VARIANTS) {
            const args = method === 'TOKEN' ? ['token', v.qop, tokenFile] : ['kerberos', v.qop, kdc.principal('nn/localhost'), nnKt];
            servers.push(await JavaServer.start('JdkIpcEchoServer', args, kdc.javaOptions()));
          }
          for (const connections of CONNECTIONS) {
            for (const size of SIZES) {
              const endpoints = JDK_VARIANTS.map((v, i): Endpoint => {
                const port = servers[i]!.port;
                const client = new RpcClient({ resolver: resolverFor(v.qop), fastPrivacy: true });
                const kerberos = kerberosClient(login, { principal: kdc.principal('alice'), serverPrincipal: kdc.principal('nn/localhost') });
                const credentials = Array.from({ length: 16 }, (_, c): RpcCallOptions =>
                  method === 'KERBEROS' ? { kerberos, user: `bench${c}` } : { tokens: [{ ...tokens[c]!.token, service: `127.0.0.1:${port}` }] },
                );
                return { client, address: { host: '127.0.0.1', port }, credentials, stop: async () => client.stop() };
              });
              try {
                await compare(h, `${method} hsec client to JDK server, ${connections} conn, ${sizeLabel(size)}`, JDK_VARIANTS, endpoints, connections, size);
              } finally {
                for (const e of endpoints) await e.stop();
              }
            }
          }
        } finally {
          for (const s of servers) await s.stop();
        }
      }
    } finally {
      login.close();
    }
  } finally {
    await kdc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** docs/bench-rpc-qop.svg and docs/bench-rpc-qop.md from this run's results. */
function writeDocs(results: readonly BenchResult[], load: { before: number[]; after: number[] }): void {
  const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
  const groups = [...new Set(results.map((r) => r.group!))];
  const callsPerSec = (r: BenchResult): number => r.opsPerSec * IN_FLIGHT;
  const chartGroups: ChartGroup[] = groups.map((g) => ({
    title: g,
    bars: results.filter((r) => r.group === g).map((r) => ({ series: r.name.slice(g.length + 2), value: callsPerSec(r) })),
  }));
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, OpenSSL ${process.versions.openssl}`;
  const loads = `load average ${load.before.map((x) => x.toFixed(2)).join(' ')} before, ${load.after.map((x) => x.toFixed(2)).join(' ')} after`;
  writeFileSync(
    join(docs, 'bench-rpc-qop.svg'),
    renderBarChart(chartGroups, { title: 'Hadoop IPC calls/s by QOP (64 calls in flight, echo)', subtitle: `npm run bench, ${when} UTC; ${machine}; ${loads}`, unit: 'calls/s', colors: COLORS }),
  );
  const lines = [
    '# RPC calls per second by QOP',
    '',
    `Written by \`npm run bench\` (bench/suites/rpc.ts) on ${when} UTC: ${machine}; ${loads}. The chart:`,
    '[bench-rpc-qop.svg](bench-rpc-qop.svg). Each comparison was measured in alternating slices, so the',
    'ratios to `auth` hold even on a busy machine; the absolute numbers depend on its load.',
    '',
    '| comparison | variant | calls/s | ratio to auth |',
    '|---|---|---:|---:|',
    ...results.map((r) => {
      const base = results.find((b) => b.group === r.group && b.baseline)!;
      return `| ${r.group} | ${r.name.slice(r.group!.length + 2)} | ${Math.round(callsPerSec(r))} | ${r.baseline ? 'base' : (r.opsPerSec / base.opsPerSec).toFixed(3)} |`;
    }),
    '',
  ];
  writeFileSync(join(docs, 'bench-rpc-qop.md'), lines.join('\n'));
}
