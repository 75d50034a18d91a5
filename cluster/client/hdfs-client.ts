/**
 * The HDFS client for programs (Hadoop's DistributedFileSystem / DFSClient): one NameNode, one
 * user, the process's shared RpcClient. `HdfsClient.connect()` with no arguments does what
 * `hdfs dfs` does: configuration from HADOOP_CONF_DIR (else /etc/hadoop/conf), the login user of
 * UGI.getLoginUser (the ticket cache, plus tokens from HADOOP_TOKEN_FILE_LOCATION), the NameNode of
 * fs.defaultFS. Each part can be given instead: a Configuration, a User (keytab, password, ticket
 * cache or token file login), a NameNode address or `hdfs://` URI.
 */
import { DEFAULT_CONF_DIR, loadConfiguration, type Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { formatHostPort, parseHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { User } from '../../security/identity/user.ts';
import { callCredentials } from '../../security/sasl/rpc/protocol-security.ts';
import type { Token } from '../../security/token/token.ts';
import { CLIENT_PROTOCOL_INFO, type FsServerDefaults } from '../protocol/client-protocol.ts';
import { ClientProtocolClient } from '../protocol/client-protocol-client.ts';
import { nameNodeClientAddress, parseHdfsUri } from '../protocol/namenode-address.ts';
import { acquireRpcClient, type SharedRpcClient } from './shared-rpc-client.ts';

export interface HdfsClientOptions {
  /** Hadoop configuration (default: the site files of HADOOP_CONF_DIR, else /etc/hadoop/conf). */
  conf?: Configuration;
  /** Who to act as (default: User.login(conf): the ticket cache and HADOOP_TOKEN_FILE_LOCATION). */
  user?: User;
  /** The NameNode: `hdfs://host:port`, `host:port` or an address (default: fs.defaultFS). */
  nameNode?: string | HostPort;
  /** Per-call timeout, ms (default: none beyond the IPC settings). */
  timeoutMs?: number;
  /** Environment for the defaults above (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class HdfsClient {
  readonly conf: Configuration;
  readonly user: User;
  /** The NameNode this client talks to. */
  readonly nameNode: HostPort;
  readonly #rpc: SharedRpcClient;
  readonly #nn: ClientProtocolClient;
  readonly #ownsUser: boolean;

  private constructor(conf: Configuration, user: User, ownsUser: boolean, nameNode: HostPort, timeoutMs: number | undefined) {
    this.conf = conf;
    this.user = user;
    this.nameNode = nameNode;
    this.#ownsUser = ownsUser;
    this.#rpc = acquireRpcClient(conf);
    this.#nn = new ClientProtocolClient({
      rpc: this.#rpc.rpc,
      address: nameNode,
      credentials: callCredentials(user, CLIENT_PROTOCOL_INFO, conf),
      ...(this.#rpc.options.tokenServiceUseIp !== undefined ? { tokenServiceUseIp: this.#rpc.options.tokenServiceUseIp } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  }

  /** A client for the configured (or given) NameNode; nothing is sent until the first call. */
  static async connect(options: HdfsClientOptions = {}): Promise<HdfsClient> {
    const env = options.env ?? process.env;
    const conf = options.conf ?? loadConfiguration({ env, defaultConfDir: DEFAULT_CONF_DIR });
    const nameNode = options.nameNode !== undefined ? nameNodeAddress(options.nameNode) : nameNodeClientAddress(conf);
    const user = options.user ?? (await User.login(conf, { env }));
    return new HdfsClient(conf, user, options.user === undefined, nameNode, options.timeoutMs);
  }

  /**
   * A delegation token for `renewer` (a principal or short name; '' = nobody may renew), with the
   * NameNode's `ip:port` as its service. Needs a Kerberos login: the NameNode issues tokens only to
   * Kerberos-authenticated callers (a token-authenticated call gets its IOException).
   */
  async getDelegationToken(renewer = ''): Promise<Token> {
    const token = await this.#nn.getDelegationToken(renewer);
    if (!token) {
      throw new ConfigError('CONFIG_INVALID', `NameNode ${formatHostPort(this.nameNode)} issued no delegation token: security is off there (hadoop.security.authentication=simple)`, {
        remoteAddress: formatHostPort(this.nameNode),
      });
    }
    return token;
  }

  /** Renews a token this NameNode issued; resolves to its new expiry time (ms since epoch). */
  renewDelegationToken(token: Token): Promise<number> {
    return this.#nn.renewDelegationToken(token);
  }

  /** Cancels a token this NameNode issued. */
  cancelDelegationToken(token: Token): Promise<void> {
    return this.#nn.cancelDelegationToken(token);
  }

  /** The NameNode's FsServerDefaults (block size, replication, checksum, encryption settings). */
  getServerDefaults(): Promise<FsServerDefaults> {
    return this.#nn.getServerDefaults();
  }

  /** Releases the shared connections and, when connect() logged the user in, the user's login. */
  close(): void {
    this.#rpc.release();
    if (this.#ownsUser) this.user.close();
  }
}

/** `hdfs://host[:port]`, or `host:port`, or an address. */
function nameNodeAddress(value: string | HostPort): HostPort {
  if (typeof value !== 'string') return value;
  const uri = parseHdfsUri(value);
  return uri ? { host: uri.host, port: uri.port } : parseHostPort(value, 'nameNode');
}
