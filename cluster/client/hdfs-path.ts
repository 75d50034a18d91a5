/**
 * Paths as DistributedFileSystem takes them: absolute (`/a/b`), relative to the working directory
 * (the home directory `/user/<short name>` by default, DFSClient's `dfs.user.home.dir.prefix`), or a
 * full `hdfs://host:port/a/b` URI naming the NameNode the client talks to (another NameNode is an
 * error, as FileSystem.checkPath refuses a wrong file system). Repeated and trailing slashes are
 * dropped (Path normalisation); `.` and `..` are left for the NameNode to refuse, as Hadoop does.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { formatHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { parseHdfsUri } from '../protocol/namenode-address.ts';

/** Collapses repeated slashes and drops a trailing one (but keeps `/`). */
export function normalizePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

/** Joins a parent and a child name. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The absolute path `input` names for a client of `nameNode` working in `workingDir`. */
export function resolveHdfsPath(input: string, nameNode: HostPort, workingDir: string): string {
  if (input.includes('://')) {
    const uri = parseHdfsUri(input);
    if (!uri) throw new ConfigError('CONFIG_INVALID', `${input} is not an hdfs:// path: hsec fs works on HDFS paths (/path, relative, or hdfs://host:port/path)`, { path: input });
    if (uri.port !== nameNode.port || !sameHost(uri.host, nameNode.host)) {
      throw new ConfigError('CONFIG_INVALID', `Wrong FS: ${input}, expected: hdfs://${formatHostPort(nameNode)} (this client talks to that NameNode)`, { path: input });
    }
    return normalizePath(uri.path);
  }
  if (input === '') throw new ConfigError('CONFIG_INVALID', 'Can not create a Path from an empty string', { path: input });
  return normalizePath(input.startsWith('/') ? input : childPath(workingDir, input));
}

function sameHost(a: string, b: string): boolean {
  const loop = (h: string) => (h === 'localhost' || h === '127.0.0.1' || h === '::1' ? 'loopback' : h.toLowerCase());
  return loop(a) === loop(b);
}
