/**
 * FileSystem.globStatus over the NameNode, after Hadoop's Globber: the pattern's `{..}` groups
 * holding a `/` are multiplied out (GlobExpander), each resulting pattern is made absolute against
 * the working directory and walked from the root one component at a time. A component with a
 * wildcard lists each candidate directory (getListing) and keeps the entries whose name matches
 * (GlobPattern; `*` never crosses a `/`, dot files match like any other name); a component without
 * one is taken on trust while inner, and looked up directly when last (getFileInfo, which also
 * finds what listings hide, such as `.snapshot`). Entries that are not directories are dropped
 * before an inner component. The matches are sorted as Path.compareTo sorts them, duplicates kept.
 * Like globStatus, the answer is `undefined` (Hadoop: null) when the pattern has no wildcard and
 * names nothing, and an empty list when a pattern with wildcards matches nothing: FsShell tells the
 * two apart. A missing directory on the way is no match; any other NameNode refusal (permission)
 * is thrown.
 */
import { HsecError } from '../../lib/errors/index.ts';
import type { HostPort } from '../../lib/net/host-port.ts';
import type { FileStatus } from './file-status.ts';
import { compareUriPaths, compileComponentGlob, expandGlobBraces, unescapeGlobComponent } from './glob-pattern.ts';
import type { GlobPattern } from '../../lib/text/glob-pattern.ts';
import { childPath, normalizePath, resolveHdfsPath } from './hdfs-path.ts';

/** What the walk needs of a client (HdfsClient has it). */
export interface GlobSource {
  readonly nameNode: HostPort;
  readonly workingDirectory: string;
  stat(path: string): Promise<FileStatus>;
  list(path: string): Promise<FileStatus[]>;
}

/** A pattern split as Hadoop's Path splits it: the `hdfs://authority` part (when given) and the path, normalised. */
export interface PatternPath {
  /** The authority as written in `hdfs://authority/...`, or undefined for a plain path. */
  readonly authority: string | undefined;
  /** The path part (absolute or relative), normalised; '' for `hdfs://host:port` alone. */
  readonly path: string;
}

/** Splits off `hdfs://authority`, checked to be this client's NameNode (Wrong FS otherwise). */
export function patternPath(pattern: string, source: GlobSource): PatternPath {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/]*)(.*)$/s.exec(pattern);
  if (!m) {
    resolveHdfsPath(pattern, source.nameNode, source.workingDirectory); // the empty-path error
    return { authority: undefined, path: normalizePath(pattern) };
  }
  // the authority must be this NameNode's (the path after it may hold glob characters a URI parser refuses)
  resolveHdfsPath(`${m[1]}://${m[2]}/`, source.nameNode, source.workingDirectory);
  return { authority: m[2]!, path: m[3] ? normalizePath(m[3]) : '' };
}

/** FileSystem.globStatus(pattern): the matches sorted, [] for a glob matching nothing, undefined for a plain path that does not exist. */
export async function globStatus(source: GlobSource, pattern: string): Promise<FileStatus[] | undefined> {
  const flattened = expandGlobBraces(patternPath(pattern, source).path);
  // the flattened patterns share most components: each distinct one is compiled once
  const compiled = new Map<string, GlobPattern>();
  const globOf = (component: string): GlobPattern => {
    let glob = compiled.get(component);
    if (!glob) compiled.set(component, (glob = compileComponentGlob(component)));
    return glob;
  };
  const results: FileStatus[] = [];
  let sawWildcard = false;
  for (const flat of flattened) {
    const absolute = normalizePath(flat.startsWith('/') ? flat : childPath(source.workingDirectory, flat || '.'));
    const components = absolute.split('/').filter((c) => c !== '');
    // a candidate without a status is a path taken on trust (the root, or an inner literal component)
    let candidates: Array<{ path: string; status?: FileStatus }> = [{ path: '/' }];
    for (let i = 0; i < components.length; i++) {
      const glob = globOf(components[i]!);
      const literal = unescapeGlobComponent(components[i]!);
      if (glob.hasWildcard) sawWildcard = true;
      if (candidates.length === 0 && sawWildcard) break;
      const last = i === components.length - 1;
      if (!last && !glob.hasWildcard) {
        candidates = candidates.map((c) => ({ path: childPath(c.path, literal) }));
        continue;
      }
      const next: typeof candidates = [];
      for (const candidate of candidates) {
        if (!glob.hasWildcard) {
          const status = await statOrNone(source, childPath(candidate.path, literal));
          if (status) next.push({ path: status.path, status });
          continue;
        }
        const children = await listOrNone(source, candidate.path);
        if (children.length === 1) {
          // one entry: a directory of one, or the listing of a file (which is no directory to match in)
          const self = await statOrNone(source, candidate.path);
          if (self?.type !== 'directory') continue;
        }
        for (const child of children) {
          if (!last && child.type !== 'directory') continue; // HADOOP-10957
          const name = child.path.slice(child.path.lastIndexOf('/') + 1);
          if (!glob.matches(name)) continue;
          const path = childPath(candidate.path, name);
          next.push({ path, status: { ...child, path } });
        }
      }
      candidates = next;
    }
    for (const c of candidates) {
      const status = c.status ?? (await statOrNone(source, c.path)); // the root: a real status only now
      if (status) results.push(status);
    }
  }
  if (!sawWildcard && results.length === 0 && flattened.length <= 1) return undefined;
  return results.sort((a, b) => compareUriPaths(a.path, b.path));
}

/** True for FileNotFoundException, which Globber turns into "no match". */
function notFound(e: unknown): boolean {
  return e instanceof HsecError && (e.code === 'FILE_NOT_FOUND' || e.code === 'FS_NOT_FOUND' || e.details['exceptionClassName'] === 'java.io.FileNotFoundException');
}

async function statOrNone(source: GlobSource, path: string): Promise<FileStatus | undefined> {
  try {
    return await source.stat(path);
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

async function listOrNone(source: GlobSource, path: string): Promise<FileStatus[]> {
  try {
    return await source.list(path);
  } catch (e) {
    if (notFound(e)) return [];
    throw e;
  }
}
