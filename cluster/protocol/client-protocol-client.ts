/**
 * A typed client for the delegation-token calls of ClientProtocol (Hadoop's
 * ClientNamenodeProtocolTranslatorPB + the DFSClient token calls): one RpcClient, one NameNode
 * address, the caller's credentials (Kerberos and/or tokens). `getDelegationToken` sets the token's
 * service to the NameNode's `ip:port` as DFSClient does (SecurityUtil.setTokenService).
 */
import { isIP } from 'node:net';
import { resolveAddress } from '../../lib/net/resolve.ts';
import type { RpcCallCredentials, RpcClient } from '../../security/sasl/rpc/rpc-client.ts';
import { buildTokenService } from '../../security/sasl/rpc/token-selector.ts';
import type { Token } from '../../security/token/token.ts';
import {
  CLIENT_PROTOCOL, CLIENT_PROTOCOL_VERSION, ClientProtocolMethod,
  decodeGetDelegationTokenResponse, decodeGetServerDefaultsResponse, decodeRenewDelegationTokenResponse,
  encodeGetDelegationTokenRequest, encodeTokenRequest,
} from './client-protocol.ts';
import type { FsServerDefaults } from './client-protocol.ts';

export interface ClientProtocolClientOptions {
  rpc: RpcClient;
  address: { host: string; port: number };
  credentials: RpcCallCredentials;
  /** hadoop.security.token.service.use_ip (default true): service = ip:port, else host:port. */
  tokenServiceUseIp?: boolean;
  timeoutMs?: number;
}

export class ClientProtocolClient {
  readonly #o: ClientProtocolClientOptions;

  constructor(options: ClientProtocolClientOptions) {
    this.#o = options;
  }

  #call(method: string, request: Uint8Array): Promise<Uint8Array> {
    return this.#o.rpc.call(this.#o.address, CLIENT_PROTOCOL, method, request, {
      ...this.#o.credentials,
      declaringProtocol: CLIENT_PROTOCOL,
      protocolVersion: CLIENT_PROTOCOL_VERSION,
      timeoutMs: this.#o.timeoutMs,
    });
  }

  /** The token service string of this NameNode (`ip:port` by default; IPv4 first, as SecurityUtil.buildTokenService under the JDK's ordering). */
  async tokenService(): Promise<string> {
    const { host, port } = this.#o.address;
    if (this.#o.tokenServiceUseIp === false || isIP(host)) return buildTokenService({ host, port });
    return buildTokenService({ host: await resolveAddress(host), port });
  }

  /** Undefined when the NameNode has no running secret manager (security off). */
  async getDelegationToken(renewer: string): Promise<Token | undefined> {
    const token = decodeGetDelegationTokenResponse(await this.#call(ClientProtocolMethod.GET_DELEGATION_TOKEN, encodeGetDelegationTokenRequest(renewer)));
    return token?.withService(await this.tokenService());
  }

  /** Returns the new expiry time, ms since epoch. */
  async renewDelegationToken(token: Token): Promise<number> {
    return decodeRenewDelegationTokenResponse(await this.#call(ClientProtocolMethod.RENEW_DELEGATION_TOKEN, encodeTokenRequest('renew', token)));
  }

  async cancelDelegationToken(token: Token): Promise<void> {
    await this.#call(ClientProtocolMethod.CANCEL_DELEGATION_TOKEN, encodeTokenRequest('cancel', token));
  }

  async getServerDefaults(): Promise<FsServerDefaults> {
    return decodeGetServerDefaultsResponse(await this.#call(ClientProtocolMethod.GET_SERVER_DEFAULTS, new Uint8Array(0)));
  }
}
