/**
 * An echo RpcServer that authenticates delegation tokens (TOKEN / DIGEST-MD5) and takes each
 * connection's QOP from a SaslPropertiesResolver, with mocha hooks around it; `whoamiFrom` runs a
 * TOKEN handshake from a chosen loopback source address and calls `whoami`, so a test sees what the
 * client negotiated and what the server's call context says.
 */
import { expect } from 'chai';
import { readDelimited } from '../../../lib/rpc/delimited.ts';
import { RpcStatus } from '../../../lib/rpc/constants.ts';
import type { SaslPropertiesResolver } from '../../../security/resolver/index.ts';
import type { Qop } from '../../../security/sasl/mechanism.ts';
import { RpcServer, delegationTokenAuthority } from '../../../security/sasl/rpc/index.ts';
import { defaultTokenClient } from '../../../security/sasl/rpc/rpc-client.ts';
import { SaslRpcClient } from '../../../security/sasl/rpc/sasl-rpc-client.ts';
import { DelegationTokenSecretManager } from '../../../security/token/secret-manager.ts';
import type { Token } from '../../../security/token/token.ts';
import { RawSession } from './raw-session.ts';
import { ECHO, echoHandlers } from './support.ts';

export interface TokenEchoServer {
  readonly port: number;
  /** alice's delegation token for the server. */
  readonly token: Token;
  /** TOKEN handshake from `localAddress` offering `qop`, then `whoami`: the client's negotiated QOP and the server's call context. */
  whoamiFrom(localAddress: string, qop: Qop[]): Promise<{ clientQop: string | undefined; ctx: Record<string, unknown> }>;
}

/** Starts the server before the suite (with the resolver `makeResolver` gives), closes sessions after each test, stops it after the suite. */
export function useTokenEchoServer(makeResolver: () => SaslPropertiesResolver | Promise<SaslPropertiesResolver>): TokenEchoServer {
  const secretManager = new DelegationTokenSecretManager();
  const open: RawSession[] = [];
  let resolver: SaslPropertiesResolver | undefined;
  let server: RpcServer | undefined;
  let port = 0;
  let token: Token | undefined;
  before(async () => {
    resolver = await makeResolver();
    await secretManager.start(false);
    server = new RpcServer({ authentication: 'simple', tokenAuthority: delegationTokenAuthority(secretManager), resolver });
    server.registerProtocol(ECHO, echoHandlers());
    ({ port } = await server.start('127.0.0.1', 0));
    ({ token } = await secretManager.createToken({ owner: 'alice@EXAMPLE.TEST', renewer: 'yarn', service: `127.0.0.1:${port}` }));
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.destroy();
  });
  after(async () => {
    await server?.stop();
    await secretManager.stop();
    resolver?.close?.();
  });
  return {
    get port() {
      return port;
    },
    get token() {
      return token!;
    },
    async whoamiFrom(localAddress, qop) {
      const s = await RawSession.open(port, { localAddress });
      open.push(s);
      const result = await s.handshake(new SaslRpcClient({ server: { host: '127.0.0.1', port }, qop, tokens: [token!], createTokenClient: defaultTokenClient }), ECHO);
      s.call(1, ECHO, 'whoami', new Uint8Array(0));
      const r = await s.nextPlainResponse();
      expect(r?.header).to.include({ callId: 1, status: RpcStatus.SUCCESS });
      return { clientQop: result.qop, ctx: JSON.parse(Buffer.from(readDelimited(r!.rest, 0).message).toString()) as Record<string, unknown> };
    },
  };
}
