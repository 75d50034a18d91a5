/**
 * Paths as DistributedFileSystem takes them: absolute (`/a/b`), relative to the working directory
 * (the home directory `/user/<short name>` by default, DFSClient's `dfs.user.home.dir.prefix`), or a
 * full `hdfs://host:port/a/b` URI naming the NameNode the client talks to (another NameNode is an
 * error, as FileSystem.checkPath refuses a wrong file system). Normalised as Hadoop's Path is (it
 * goes through java.net.URI.normalize): repeated and trailing slashes dropped, `.` segments removed,
 * `..` removes the segment before it; a `..` above the root stays and the NameNode refuses it.
 */
import { ConfigError } from '../../lib/errors/index.ts';
import { formatHostPort, type HostPort } from '../../lib/net/host-port.ts';
import { parseHdfsUri } from '../protocol/namenode-address.ts';

/** Collapses repeated slashes, drops a trailing one (but keeps `/`) and resolves `.` and `..` (URI.normalize, RFC 3986 5.2.4). */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** Joins a parent and a child name. */
export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** The parent of an absolute normalised path (`/` for `/a` and for `/`). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The absolute path `input` names for a client of `nameNode` working in `workingDir`. */
export function resolveHdfsPath(input: string, nameNode: HostPort, workingDir: string): string {
  if (input.includes('://')) {
    const uri = parseHdfsUri(input);
    if (!uri) throw new ConfigError('CONFIG_INVALID', `${input} is not an hdfs:// path: hsec fs works on HDFS paths (/path, relative, or hdfs://host:port/path)`, { path: input });
    if (uri.port !== nameNode.port || !sameHost(uri.host, nameNode.host)) {
      throw new ConfigError('CONFIG_INVALID', `Wrong FS: ${input}, expected: hdfs://${formatHostPort(nameNode)} (the NameNode of fs.defaultFS, which this client talks to); for the other one use -fs hdfs://${formatHostPort(uri)}`, { path: input });
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
