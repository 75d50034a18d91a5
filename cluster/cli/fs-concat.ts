/**
 * `hsec fs -concat <target path> <src path> <src path> ...`, after Hadoop 3.4's FsShell Concat
 * command (org.apache.hadoop.fs.shell.Concat.processArguments): the arguments are expanded as
 * every FsShell command's are (a glob matching nothing is reported and left out); then at least a
 * target and two sources must remain ("Target path not specified. ..." / "The number of source
 * paths is less than 2. ..."), the target and every source must be existing files (a
 * FileNotFoundException naming the qualified path), and ClientProtocol.concat appends the sources
 * to the target (HdfsClient.concat). Every refusal stops the command with one line and exit 1;
 * success prints nothing.
 */
import type { HdfsClient } from '../client/hdfs-client.ts';
import { HsecError } from '../../lib/errors/index.ts';
import type { Operand } from './fs-operands.ts';
import { fileSystemUri } from './fs-queries.ts';

export const CONCAT_USAGE = 'hsec fs -concat <target path> <src path> <src path> ...';
/** Concat.USAGE, which its messages end with. */
const USAGE = '<target path> <src path> <src path> ...';

/** A plain IOException of the shell: FsShell prints its message alone. */
function shellError(message: string): HsecError {
  return new HsecError('FILE_IO', message, { messageOnly: true });
}

/** Concat.processArguments over the expanded arguments. */
export async function concat(fs: HdfsClient, items: readonly Operand[]): Promise<void> {
  if (items.length < 1) throw shellError(`Target path not specified. ${USAGE}`);
  if (items.length < 3) throw shellError(`The number of source paths is less than 2. ${USAGE}`);
  const [target, ...sources] = items as [Operand, ...Operand[]];
  const qualified = (item: Operand) => `${fileSystemUri(fs, item.shown)}${item.path}`; // PathData.path, made qualified
  const isFile = async (item: Operand) => (item.status ?? (await fs.exists(item.path) ? await fs.stat(item.path) : undefined))?.type === 'file';
  if (!(await isFile(target))) throw shellError(`Target path ${qualified(target)} does not exist or is not file.`);
  for (const src of sources) {
    if (!(await isFile(src))) throw shellError(`${qualified(src)} does not exist or is not file.`);
  }
  await fs.concat(target.path, sources.map((s) => s.path));
}
