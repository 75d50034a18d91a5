/**
 * `hsec dfsadmin`, after Hadoop 3.4.1's `hdfs dfsadmin` (hadoop-hdfs tools/DFSAdmin.java) for the
 * commands a security layer needs most: `-refreshServiceAcl`, `-refreshUserToGroupsMappings` and
 * `-refreshSuperUserGroupsConfiguration` make the NameNode of fs.defaultFS (or `-fs`) re-read its
 * service ACLs, forget its cached groups, and re-read its hadoop.proxyuser.* rules, without a
 * restart. As DFSAdmin does, each call goes over its own protocol (RefreshAuthorizationPolicyProtocol,
 * RefreshUserMappingsProtocol) with `hadoop.security.service.user.name.key` set to
 * dfs.namenode.kerberos.principal, so the NameNode's principal is checked, as the login user
 * (ticket cache or HADOOP_TOKEN_FILE_LOCATION). Output, messages and exit codes are DFSAdmin's:
 * "Refresh service acl successful" on stdout and 0; a refusal by the NameNode prints
 * `refreshServiceAcl: <first line of the remote message>` on stderr, a local failure
 * `refreshServiceAcl: <message>`, and both exit with DFSAdmin's -1 (255 from the JVM); so does a
 * misused command, after its `Usage:` line.
 */
import type { Command } from 'commander';
import type { Configuration } from '../../../lib/config/index.ts';
import { HsecError } from '../../../lib/errors/index.ts';
import { User } from '../../../security/identity/user.ts';
import { callCredentials, type ProtocolSecurityInfo } from '../../../security/sasl/rpc/protocol-security.ts';
import { acquireRpcClient } from '../../client/shared-rpc-client.ts';
import { nameNodeClientAddress } from '../../protocol/namenode-address.ts';
import {
  REFRESH_AUTHORIZATION_POLICY_CODEC, REFRESH_AUTHORIZATION_POLICY_INFO, REFRESH_USER_MAPPINGS_CODEC, REFRESH_USER_MAPPINGS_INFO,
  SERVICE_USER_NAME_KEY,
} from '../../protocol/refresh-protocols.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import type { CliIo } from './fetchdt.ts';

/** DFSAdmin's `return -1`, as the JVM's System.exit(-1) leaves it. */
export const DFSADMIN_FAILURE = 255;

/** One NameNode call of a command: which protocol, which method, with an empty request. */
interface AdminCall {
  readonly info: ProtocolSecurityInfo;
  readonly method: string;
  readonly encode: () => Uint8Array;
  readonly decode: (bytes: Uint8Array) => unknown;
}

interface AdminCommand {
  /** DFSAdmin.printUsage(cmd) text after `Usage: hsec dfsadmin`. */
  readonly usage: string;
  /** Whether the arguments after the command are acceptable (DFSAdmin.run's length checks). */
  readonly argsOk: (rest: readonly string[]) => boolean;
  readonly call: AdminCall;
  /** What DFSAdmin prints on success (non-HA: one NameNode). */
  readonly success: string;
}

const refreshCall = (method: 'refreshServiceAcl'): AdminCall => ({
  info: REFRESH_AUTHORIZATION_POLICY_INFO,
  method,
  encode: () => REFRESH_AUTHORIZATION_POLICY_CODEC.encodeRequest(method, {}),
  decode: (bytes) => REFRESH_AUTHORIZATION_POLICY_CODEC.decodeResponse(method, bytes),
});

const mappingsCall = (method: 'refreshUserToGroupsMappings' | 'refreshSuperUserGroupsConfiguration'): AdminCall => ({
  info: REFRESH_USER_MAPPINGS_INFO,
  method,
  encode: () => REFRESH_USER_MAPPINGS_CODEC.encodeRequest(method, {}),
  decode: (bytes) => REFRESH_USER_MAPPINGS_CODEC.decodeResponse(method, bytes),
});

const COMMANDS: Readonly<Record<string, AdminCommand>> = {
  '-refreshServiceAcl': {
    usage: '[-refreshServiceAcl]',
    argsOk: (rest) => rest.length === 0,
    call: refreshCall('refreshServiceAcl'),
    success: 'Refresh service acl successful',
  },
  '-refreshUserToGroupsMappings': {
    usage: '[-refreshUserToGroupsMappings]',
    argsOk: (rest) => rest.length === 0,
    call: mappingsCall('refreshUserToGroupsMappings'),
    success: 'Refresh user to groups mapping successful',
  },
  '-refreshSuperUserGroupsConfiguration': {
    usage: '[-refreshSuperUserGroupsConfiguration]',
    // DFSAdmin.run checks no argument count for this one
    argsOk: () => true,
    call: mappingsCall('refreshSuperUserGroupsConfiguration'),
    success: 'Refresh super user groups configuration successful',
  },
};

/** DFSAdmin.printUsage(""): every command this dfsadmin knows. */
export function dfsadminUsage(): string {
  return `Usage: hsec dfsadmin\nNote: Administrative commands can only be run as the HDFS superuser.\n${Object.values(COMMANDS).map((c) => `\t${c.usage}\n`).join('')}`;
}

export function register(program: Command): void {
  program
    .command('dfsadmin')
    .description('HDFS admin commands like hdfs dfsadmin: -refreshServiceAcl, -refreshUserToGroupsMappings, -refreshSuperUserGroupsConfiguration')
    .usage('-refreshServiceAcl | -refreshUserToGroupsMappings | -refreshSuperUserGroupsConfiguration')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runDfsadmin(cliConfigSource(command), args);
    });
}

/** `config`: a conf dir, or `{ confDir, overrides }` (the generic `--config` / `-D` / `-fs` options). */
export async function runDfsadmin(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(dfsadminUsage());
    return DFSADMIN_FAILURE;
  }
  if (name === '-help') {
    out(dfsadminUsage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`${name.replace(/^-/, '')}: Unknown command\n${dfsadminUsage()}`);
    return DFSADMIN_FAILURE;
  }
  if (!command.argsOk(rest)) {
    err(`Usage: hsec dfsadmin ${command.usage}\n`);
    return DFSADMIN_FAILURE;
  }
  try {
    const conf = loadCliConfiguration(config, env);
    await callNameNode(adminConfiguration(conf), command.call, env);
    out(`${command.success}\n`);
    return 0;
  } catch (e) {
    err(`${name.slice(1)}: ${failureLine(e)}\n`);
    return DFSADMIN_FAILURE;
  }
}

/**
 * DFSAdmin's `conf.set(HADOOP_SECURITY_SERVICE_USER_NAME_KEY, conf.get(DFS_NAMENODE_KERBEROS_PRINCIPAL_KEY, ""))`:
 * the refresh protocols' server principal is the NameNode's.
 */
function adminConfiguration(conf: Configuration): Configuration {
  return conf.clone().set(SERVICE_USER_NAME_KEY, conf.get('dfs.namenode.kerberos.principal') ?? '', 'DFSAdmin').freeze();
}

/** One call to the NameNode of fs.defaultFS as the login user, over the protocol of `call`. */
async function callNameNode(conf: Configuration, call: AdminCall, env: NodeJS.ProcessEnv): Promise<void> {
  const address = nameNodeClientAddress(conf);
  const user = await User.login(conf, { env });
  const connections = acquireRpcClient(conf);
  try {
    const response = await connections.rpc.call(address, call.info.protocol, call.method, call.encode(), {
      ...callCredentials(user, call.info, conf),
      declaringProtocol: call.info.protocol,
      protocolVersion: call.info.version,
    });
    call.decode(response);
  } finally {
    connections.release();
    user.close();
  }
}

/**
 * DFSAdmin.run's catch: a RemoteException shows the first line of the server's message (no class
 * name); any other failure its message.
 */
function failureLine(e: unknown): string {
  if (e instanceof HsecError) {
    const remote = e.details.errorMsg;
    if (typeof remote === 'string' && typeof e.details.exceptionClassName === 'string') return remote.split('\n')[0]!;
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}
