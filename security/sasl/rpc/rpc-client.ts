/**
 * RpcClient: the secured Hadoop IPC client for the CLI and daemons. `call(address, protocol,
 * method, requestBytes, {user, tokens, kerberos})` picks (or opens) the pooled connection for
 * (address, user, protocol, credentials), negotiates SASL through SaslRpcClient with the QOP list
 * from the SaslPropertiesResolver, and returns the response message bytes.
 */
import { UnreachableError } from '../../../lib/errors/index.ts';
import { canonicalHostName, resolveAddress } from '../../../lib/net/resolve.ts';
import { IpcClient, type IpcClientOptions } from '../../../lib/rpc/client.ts';
import type { CallOptions } from '../../../lib/rpc/client-connection.ts';
import { DefaultSaslPropertiesResolver, type SaslPropertiesResolver } from '../../resolver/sasl-properties-resolver.ts';
import { createSaslClient, tokenClientCredentials } from '../index.ts';
import { defaultSimpleUser } from '../../identity/user.ts';
import type { Qop, SaslClient } from '../mechanism.ts';
import { SaslRpcClient, type KerberosClientCredentials } from './sasl-rpc-client.ts';
import type { RpcToken, TokenSelector } from './token-selector.ts';

export interface RpcCallCredentials {
  /** Effective user (SIMPLE user; proxied user over Kerberos). */
  user?: string;
  /** SIMPLE impersonation: the real user. */
  realUser?: string;
  tokens?: readonly RpcToken[];
  tokenKind?: string;
  tokenSelector?: TokenSelector;
  kerberos?: KerberosClientCredentials;
}

export interface RpcCallOptions extends RpcCallCredentials, CallOptions {}

export interface RpcClientOptions extends IpcClientOptions {
  resolver?: SaslPropertiesResolver;
  tokenServiceUseIp?: boolean;
  /** Override the DIGEST-MD5 client (tests). */
  createTokenClient?: (token: RpcToken, qop: readonly Qop[]) => SaslClient;
  /** hadoop.security.authentication=kerberos: refuse a switch to SIMPLE. Default: per call, true with Kerberos credentials. */
  secure?: boolean;
  /** ipc.client.fallback-to-simple-auth-allowed (default false). */
  fallbackToSimpleAllowed?: boolean;
  /** hsec.rpc.privacy.fast (default true): fast privacy with hsec servers (docs/fast-privacy.md). */
  fastPrivacy?: boolean;
}

/** Hadoop's DIGEST-MD5 client for a token. */
export function defaultTokenClient(token: RpcToken, qop: readonly Qop[]): SaslClient {
  return createSaslClient('DIGEST-MD5', { ...tokenClientCredentials(token.identifier, token.password), qop });
}

function credentialKey(c: RpcCallCredentials): string {
  const tokens = (c.tokens ?? []).map((t) => `${t.kind}:${t.service}:${Buffer.from(t.identifier).toString('base64')}`).join(',');
  return [c.user ?? '', c.realUser ?? '', c.kerberos?.principal ?? '', tokens].join('|');
}

export class RpcClient {
  readonly #engine: IpcClient;
  readonly #options: RpcClientOptions;
  readonly #resolver: SaslPropertiesResolver;

  constructor(options: RpcClientOptions = {}) {
    this.#options = options;
    this.#engine = new IpcClient(options);
    this.#resolver = options.resolver ?? new DefaultSaslPropertiesResolver({ get: () => undefined });
  }

  get connectionCount(): number {
    return this.#engine.connectionCount;
  }

  /** One call; resolves with the response message bytes, rejects with a typed error. */
  async call(address: { host: string; port: number }, protocol: string, method: string, request: Uint8Array, callOptions: RpcCallOptions = {}): Promise<Uint8Array> {
    // SIMPLE callers default to HADOOP_USER_NAME or the OS user, as UserGroupInformation's login user.
    const options = callOptions.user !== undefined || callOptions.kerberos ? callOptions : { ...callOptions, user: defaultSimpleUser() };
    return this.#engine.call(
      {
        address,
        protocol,
        identityKey: credentialKey(options),
        // Name resolution and the QOP choice happen once per new connection, not per call.
        authenticator: async () => {
          const ip = await resolveIp(address.host);
          const qop = this.#resolver.getClientProperties(ip, address.port).qop;
          // SaslRpcClient: SecurityUtil.getServerPrincipal(conf, serverAddr.getAddress()) -> getCanonicalHostName() of the dialled address.
          const hostname = options.kerberos?.serverPrincipal?.includes('_HOST') ? await canonicalHostName(ip) : address.host;
          return new SaslRpcClient({
            server: { host: address.host, port: address.port, ip, hostname },
            qop,
            user: options.user,
            realUser: options.realUser,
            tokens: options.tokens,
            tokenKind: options.tokenKind,
            tokenSelector: options.tokenSelector,
            tokenServiceUseIp: this.#options.tokenServiceUseIp,
            createTokenClient: this.#options.createTokenClient ?? defaultTokenClient,
            kerberos: options.kerberos,
            ...(this.#options.secure !== undefined ? { secure: this.#options.secure } : {}),
            fallbackToSimpleAllowed: this.#options.fallbackToSimpleAllowed ?? false,
            fastPrivacy: this.#options.fastPrivacy ?? true,
          });
        },
      },
      method,
      request,
      options,
    );
  }

  /** Closes every pooled connection. */
  stop(): void {
    this.#engine.stop();
  }
}

/** The address dialled (IPv4 first, as the JDK): token selection, QOP and `_HOST` use it. */
async function resolveIp(host: string): Promise<string> {
  try {
    return await resolveAddress(host);
  } catch (cause) {
    throw new UnreachableError('UNREACHABLE', `Cannot resolve IPC server host ${host}: ${(cause as Error).message}`, { remoteAddress: host }, { cause });
  }
}
