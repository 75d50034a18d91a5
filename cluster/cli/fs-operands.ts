/**
 * How `hsec fs` turns its path arguments into operands, after FsShell's PathData.expandAsGlob,
 * Command.expandArgument and CommandWithDestination: every argument is a glob
 * (FileSystem.globStatus, ../client/globber.ts); a glob matching nothing is "`arg': No such file or
 * directory", a plain path that does not exist stays one operand without a status, its backslash
 * escapes removed (so -mkdir and -touch can create it, and the others report it). Matches print as the argument was written: with
 * `hdfs://authority` when it had one, absolute when it was absolute, else relative to the working
 * directory (PathData.relativize: `../bob/x`). A destination (-mv, -put) is globbed too and must
 * name one path ("`dst': Too many matches"); with several sources it must be an existing directory.
 */
import { FileError, HsecError } from '../../lib/errors/index.ts';
import type { FileStatus } from '../client/file-status.ts';
import { quoteUriPath, unescapeGlobComponent } from '../client/glob-pattern.ts';
import { childPath } from '../client/hdfs-path.ts';
import { globStatus, patternPath, type GlobSource } from '../client/globber.ts';
import type { HdfsClient } from '../client/hdfs-client.ts';

/** One path a command works on: as printed, as sent to the NameNode, and its status when it exists. */
export interface Operand {
  readonly shown: string;
  /** The absolute path. */
  readonly path: string;
  readonly status?: FileStatus;
}

/** PathNotFoundException: "`shown': No such file or directory". */
export function pathNotFound(shown: string): FileError {
  return new FileError('FILE_NOT_FOUND', 'No such file or directory', { path: shown, shellPath: shown });
}

/** A PathIOException of FsShell: "`shown': reason". */
export function pathError(shown: string, reason: string): HsecError {
  return new HsecError('FILE_IO', reason, { path: shown, shellPath: shown });
}

/** The operand's status: from its glob match, else asked of the NameNode; undefined when the path does not exist. */
export async function existingStatus(fs: HdfsClient, item: Operand): Promise<FileStatus | undefined> {
  return item.status ?? ((await fs.exists(item.path)) ? await fs.stat(item.path) : undefined);
}

/** `name` under a directory as the user wrote it (relative stays relative, `.` disappears). */
export function shownChild(shownDir: string, name: string): string {
  return shownDir === '.' ? name : childPath(shownDir.replace(/\/+$/, '') || '/', name);
}

/** What the expansion needs of a client (HdfsClient has it): the glob walk and the working directory. */
export type OperandSource = GlobSource & Pick<HdfsClient, 'resolve'>;

/**
 * PathData.expandAsGlob: the operands `arg` names; [] for a glob matching nothing (dfsadmin's
 * Command.runAll then does nothing for it), one operand without a status for a plain path that does not exist.
 */
export async function expandAsGlob(fs: OperandSource, arg: string): Promise<Operand[]> {
  const stats = await globStatus(fs, arg);
  if (stats === undefined) {
    const unquoted = unescapeGlobComponent(arg); // "remove any quoting in the glob pattern"
    return [{ shown: unquoted, path: fs.resolve(unquoted) }];
  }
  const { authority, path } = patternPath(arg, fs);
  return stats.map((status) => ({ shown: shownPath(authority, path, status, fs.workingDirectory), path: status.path, status }));
}

/** Command.expandArgument: the operands `arg` names (throws "No such file or directory" for a glob matching nothing). */
export async function expandOperand(fs: OperandSource, arg: string): Promise<Operand[]> {
  const items = await expandAsGlob(fs, arg);
  if (items.length === 0) throw pathNotFound(arg);
  return items;
}

/** PathData.expandAsGlob's display of a match, by the kind of pattern (with a scheme, absolute, relative). */
function shownPath(authority: string | undefined, pattern: string, status: FileStatus, workingDir: string): string {
  if (authority !== undefined) return `hdfs://${authority}${quoteUriPath(status.path)}`;
  if (pattern.startsWith('/')) return status.path;
  return relativize(workingDir, status.path, status.type === 'directory');
}

/** PathData.relativize: `path` relative to `cwd`, with `..` for each directory of cwd past their common ancestor. */
export function relativize(cwd: string, path: string, isDir: boolean): string {
  if (cwd === path) return '.';
  const c = cwd.endsWith('/') ? cwd : `${cwd}/`;
  const p = isDir && !path.endsWith('/') ? `${path}/` : path;
  let lastSep = -1;
  for (let i = 0; i < Math.min(c.length, p.length) && c[i] === p[i]; i++) if (c[i] === '/') lastSep = i;
  let rel = lastSep < path.length ? path.slice(lastSep + 1) : '';
  if (lastSep < cwd.length) {
    while (lastSep !== -1) {
      rel = rel ? `../${rel}` : '..';
      lastSep = cwd.indexOf('/', lastSep + 1);
    }
  }
  return rel;
}

/** CommandWithDestination.getRemoteDestination: the destination glob must name exactly one path (existing or not). */
export async function expandDestination(fs: HdfsClient, arg: string): Promise<Operand> {
  const items = await expandOperand(fs, arg);
  if (items.length > 1) throw pathError(arg, 'Too many matches');
  return items[0]!;
}

/**
 * CommandWithDestination.processArguments: several sources need an existing directory; one source
 * needs a directory, or (without overwrite) a destination that does not exist yet and whose parent does.
 */
export async function checkDestination(dst: { shown: string; exists: boolean; isDirectory: boolean; parentExists: () => Promise<boolean> }, sources: number, overwrite: boolean): Promise<void> {
  if (sources > 1) {
    if (!dst.exists) throw pathNotFound(dst.shown);
    if (!dst.isDirectory) throw pathError(dst.shown, 'Is not a directory');
  } else if (dst.exists) {
    if (!dst.isDirectory && !overwrite) throw pathError(dst.shown, 'File exists');
  } else if (!(await dst.parentExists())) {
    throw pathNotFound(dst.shown);
  }
}
