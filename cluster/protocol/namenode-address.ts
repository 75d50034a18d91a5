/**
 * Where a NameNode is, from configuration or a URI, in one place:
 * - `parseHdfsUri`: `hdfs://host[:port][/path]` (port 8020, NameNode.DEFAULT_PORT, when absent);
 * - `nameNodeBindAddress`: what the NameNode listens on, NameNode.getRpcServerAddress:
 *   `dfs.namenode.rpc-address`, else the authority of an `hdfs://` fs.defaultFS;
 * - `nameNodeClientAddress`: what a client dials, as `FileSystem.get(conf)` does: an `hdfs://`
 *   fs.defaultFS first, else dfs.namenode.rpc-address.
 */
import type { Configuration } from '../../lib/config/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';
import { parseHostPort, type HostPort } from '../../lib/net/host-port.ts';

/** NameNode.DEFAULT_PORT: the port of an hdfs:// URI without one. */
export const HDFS_DEFAULT_PORT = 8020;

export interface HdfsUri extends HostPort {
  /** The path, `/` when the URI has none. */
  readonly path: string;
}

/** `hdfs://host[:port][/path]`; anything else is undefined. */
export function parseHdfsUri(uri: string): HdfsUri | undefined {
  const m = /^hdfs:\/\/(\[[^\]]+\]|[^/:?#[\]]+)(?::(\d+))?(\/[^?#]*)?$/.exec(uri.trim());
  if (!m) return undefined;
  const port = m[2] !== undefined ? Number(m[2]) : HDFS_DEFAULT_PORT;
  if (port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, path: m[3] || '/' };
}

/** host:port of an `hdfs://` fs.defaultFS, else undefined. */
function defaultFsAddress(conf: Configuration): HostPort | undefined {
  const fs = conf.getTrimmed('fs.defaultFS');
  const uri = fs ? parseHdfsUri(fs) : undefined;
  return uri ? { host: uri.host, port: uri.port } : undefined;
}

/** The NameNode's RPC bind address (dfs.namenode.rpc-address, else fs.defaultFS), with the key it came from. */
export function nameNodeBindAddress(conf: Configuration): HostPort & { configKey: string } {
  const explicit = conf.getTrimmed('dfs.namenode.rpc-address');
  if (explicit) return { ...parseHostPort(explicit, 'dfs.namenode.rpc-address'), configKey: 'dfs.namenode.rpc-address' };
  const fromDefaultFs = defaultFsAddress(conf);
  if (!fromDefaultFs) {
    throw new ConfigError('CONFIG_MISSING', 'dfs.namenode.rpc-address is not set: set it (or fs.defaultFS=hdfs://host:port) in hdfs-site.xml', { configKey: 'dfs.namenode.rpc-address' });
  }
  return { ...fromDefaultFs, configKey: 'fs.defaultFS' };
}

/** The NameNode a client dials: an `hdfs://` fs.defaultFS first, else dfs.namenode.rpc-address. */
export function nameNodeClientAddress(conf: Configuration): HostPort {
  const fromDefaultFs = defaultFsAddress(conf);
  if (fromDefaultFs) return fromDefaultFs;
  const explicit = conf.getTrimmed('dfs.namenode.rpc-address');
  if (explicit) return parseHostPort(explicit, 'dfs.namenode.rpc-address');
  throw new ConfigError(
    'CONFIG_MISSING',
    `No NameNode to talk to: fs.defaultFS is "${conf.getTrimmed('fs.defaultFS') ?? ''}" (not hdfs://) and dfs.namenode.rpc-address is not set; set fs.defaultFS=hdfs://HOST:PORT in core-site.xml of the configuration directory (HADOOP_CONF_DIR or --config DIR), or name the NameNode on the command line (hsec -fs hdfs://HOST:PORT ...)`,
    { configKey: 'fs.defaultFS' },
  );
}
