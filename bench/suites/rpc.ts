/**
 * Hadoop IPC throughput over loopback: RPC calls/s through RpcServer/RpcClient with TOKEN
 * (DIGEST-MD5) authentication for hadoop.rpc.protection authentication / integrity / privacy
 * (auth, auth-int, auth-conf), over one connection and over 16 connections, 1 KiB echo calls with
 * 64 calls in flight per measured op. Ratios are relative to `auth` within each group.
 */
import type { Harness } from '../harness.ts';
import { DefaultSaslPropertiesResolver } from '../../security/resolver/index.ts';
import { RpcClient, RpcServer, delegationTokenAuthority } from '../../security/sasl/rpc/index.ts';
import { DelegationTokenSecretManager } from '../../security/token/secret-manager.ts';
import type { Token } from '../../security/token/token.ts';

export const name = 'rpc';

const PROTOCOL = 'org.hsec.bench.EchoProtocol';
const IN_FLIGHT = 64;
const QOPS = [
  ['authentication', 'auth'],
  ['integrity', 'auth-int'],
  ['privacy', 'auth-conf'],
] as const;

export async function run(h: Harness): Promise<void> {
  const secretManager = new DelegationTokenSecretManager();
  await secretManager.start(false);
  const payload = Buffer.alloc(1024, 0x61);
  try {
    for (const connections of [1, 16]) {
      const group = `${connections} connection${connections > 1 ? 's' : ''}, ${IN_FLIGHT} in flight, 1 KiB echo`;
      for (const [protection, qop] of QOPS) {
        const resolver = new DefaultSaslPropertiesResolver({ get: (k) => (k === 'hadoop.rpc.protection' ? protection : undefined) });
        const server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager), resolver });
        server.registerProtocol(PROTOCOL, { echo: (req) => req });
        const { port } = await server.start('127.0.0.1', 0);
        const client = new RpcClient({ resolver });
        const tokens: Token[] = [];
        for (let i = 0; i < connections; i++) {
          tokens.push((await secretManager.createToken({ owner: `bench${i}@EXAMPLE.TEST`, renewer: 'yarn', service: `127.0.0.1:${port}` })).token);
        }
        const addr = { host: '127.0.0.1', port };
        const batch = (): Promise<unknown> =>
          Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => client.call(addr, PROTOCOL, 'echo', payload, { tokens: [tokens[i % connections]!] })));
        await batch(); // open and authenticate every connection before measuring
        const r = await h.measure(`${connections} conn, batch of ${IN_FLIGHT} calls, ${qop}`, batch, { group, baseline: qop === 'auth', bytesPerOp: IN_FLIGHT * payload.length * 2 });
        h.note(`${group} ${qop}: ${(r.opsPerSec * IN_FLIGHT).toFixed(0)} calls/s`);
        client.stop();
        await server.stop();
      }
    }
  } finally {
    await secretManager.stop();
  }
}
