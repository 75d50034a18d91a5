/**
 * `hsec fs -usage [cmd ...]`, `-help [cmd ...]`, the usage list printed for `hsec fs` alone or an
 * unknown command, after Hadoop 3.4's FsShell (printInfo, printInstanceUsage, printInstanceHelp,
 * displayError, UnknownCommandException) and ToolRunner.printGenericCommandUsage. Usage lines read
 * `Usage: hsec fs [generic options] -ls ...` (FsShell's "hadoop fs" prefix, with hsec's name as the
 * rest of `hsec fs`'s usage text has it); the full list is sorted by name (CommandFactory.getNames)
 * and leaves out deprecated commands; each description is the command class's DESCRIPTION
 * (Command.getDescription; a deprecated one is "(DEPRECATED) Same as '<replacement>'"), laid out
 * by ./fs-help-format.ts. The generic options listed are those hsec takes (-conf, -D, -fs; not
 * MapReduce's -jt, -files, -libjars, -archives).
 */
import { instanceHelp } from './fs-help-format.ts';

/** FsShell.run's exit code when the command line is wrong (-1). */
export const SHELL_FAILURE = 255;

/** FsShell's usage prefix, with hsec's command name. */
export const USAGE_PREFIX = 'Usage: hsec fs [generic options]';

/** Deprecated commands and what Command.getReplacementCommand names (Lsr, Dus, Rmr). */
export const DEPRECATED: Readonly<Record<string, string>> = { '-lsr': 'ls -R', '-dus': 'du -s', '-rmr': '-rm -r' };

const ALLOWED_NAME_CHARS = '[-_./@a-zA-Z0-9]'; // FsShellPermissions.allowedChars off Windows

/** Each command's DESCRIPTION (Hadoop 3.4 command classes). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  // the -n sentence came with HDFS-16716 (3.4.0); not yet checked against CopyCommands.AppendToFile's text
  '-appendToFile':
    'Appends the contents of all the given local files to the given dst file. The dst file will be created if it does not exist. If <localSrc> is -, then the input is read from stdin. Option -n represents that use NEW_BLOCK create flag to append file.',
  '-cat': 'Fetch all files that match the file pattern <src> and display their content on stdout.\n',
  '-checksum':
    'Dump checksum information for files that match the file pattern <src> to stdout. Note that this requires a round-trip to a datanode storing each block of the file, and thus is not efficient to run on a large number of files. The checksum of a file depends on its content, block size and the checksum algorithm and parameters used for creating the file.',
  '-concat': 'Concatenate existing source files into the target file. Target file and source files should be in the same directory.',
  '-chgrp': 'This is equivalent to -chown ... :GROUP ...',
  // SnapshotCommands.CreateSnapshot / DeleteSnapshot / RenameSnapshot
  '-createSnapshot': 'Create a snapshot on a directory',
  '-deleteSnapshot': 'Delete a snapshot from a directory',
  '-renameSnapshot': 'Rename a snapshot from oldName to newName',
  '-chmod':
    "Changes permissions of a file. This works similar to the shell's chmod command with a few exceptions.\n" +
    '-R: modifies the files recursively. This is the only option currently supported.\n' +
    "<MODE>: Mode is the same as mode used for the shell's command. The only letters recognized are 'rwxXt', e.g. +t,a+r,g-w,+rwx,o=r.\n" +
    '<OCTALMODE>: Mode specifed in 3 or 4 digits. If 4 digits, the first may be 1 or 0 to turn the sticky bit on or off, respectively.  Unlike the shell command, it is not possible to specify only part of the mode, e.g. 754 is same as u=rwx,g=rx,o=r.\n\n' +
    "If none of 'augo' is specified, 'a' is assumed and unlike the shell command, no umask is applied.",
  '-chown':
    "Changes owner and group of a file. This is similar to the shell's chown command with a few exceptions.\n" +
    '-R: modifies the files recursively. This is the only option currently supported.\n\n' +
    `If only the owner or group is specified, then only the owner or group is modified. The owner and group names may only consist of digits, alphabet, and any of ${ALLOWED_NAME_CHARS}. The names are case sensitive.\n\n` +
    "WARNING: Avoid using '.' to separate user name and group though Linux allows it. If user names have dots in them and you are using local file system, you might see surprising results since the shell command 'chown' is used for local files.",
  '-copyFromLocal': 'Identical to the -put command.',
  '-copyToLocal': 'Identical to the -get command.',
  '-count':
    'Count the number of directories, files and bytes under the paths\nthat match the specified file pattern.  The output columns are:\nDIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME\n' +
    'or, with the -q option:\nQUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA\n      DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME\n' +
    'The -h option shows file sizes in human readable format.\nThe -v option displays a header line.\nThe -x option excludes snapshots from being calculated. \n' +
    'The -t option displays quota by storage types.\nIt should be used with -q or -u option, otherwise it will be ignored.\n' +
    'If a comma-separated list of storage types is given after the -t option, \nit displays the quota and usage for the specified types. \n' +
    'Otherwise, it displays the quota and usage for all the storage \ntypes that support quota. The list of possible storage types(case insensitive):\n' +
    "ram_disk, ssd, disk and archive.\nIt can also pass the value '', 'all' or 'ALL' to specify all the storage types.\n" +
    'The -u option shows the quota and \nthe usage against the quota without the detailed content summary.The -e option shows the erasure coding policy.The -s option shows snapshot counts.',
  '-cp':
    'Copy files that match the file pattern <src> to a destination. When copying multiple files, the destination must be a directory.\nFlags :\n' +
    '  -p[topax] : Preserve file attributes [topx] (timestamps, ownership, permission, ACL, XAttr). If -p is specified with no arg, then preserves timestamps, ownership, permission. If -pa is specified, then preserves permission also because ACL is a super-set of permission. Determination of whether raw namespace extended attributes are preserved is independent of the -p flag.\n' +
    '  -f : Overwrite the destination if it already exists.\n  -d : Skip creation of temporary file(<dst>._COPYING_).\n  -t <thread count> : Number of threads to be used, default is 1.\n  -q <thread pool queue size> : Thread pool queue size to be used, default is 1024.\n',
  '-df':
    'Shows the capacity, free and used space of the filesystem. If the filesystem has multiple partitions, and no path to a particular partition is specified, then the status of the root partitions will be shown.\n-h: Formats the sizes of files in a human-readable fashion rather than a number of bytes.',
  '-du':
    'Show the amount of space, in bytes, used by the files that match the specified file pattern. The following flags are optional:\n' +
    '-s: Rather than showing the size of each individual file that matches the pattern, shows the total (summary) size.\n' +
    '-h: Formats the sizes of files in a human-readable fashion rather than a number of bytes.\n-v: option displays a header line.\n-x: Excludes snapshots from being counted.\n\n' +
    'Note that, even without the -s option, this only shows size summaries one level deep into a directory.\n\nThe output is in the form \n\tsize\tdisk space consumed\tname(full path)\n',
  '-expunge': 'Delete files from the trash that are older than the retention threshold',
  '-find': findDescription(),
  '-get':
    'Copy files that match the file pattern <src> to the local name. <src> is kept.\nWhen copying multiple files, the destination must be a directory.\nFlags:\n' +
    '  -p : Preserves timestamps, ownership and the mode.\n  -f : Overwrites the destination if it already exists.\n  -crc : write CRC checksums for the files downloaded.\n  -ignoreCrc : Skip CRC checks on the file(s) downloaded.\n' +
    '  -t <thread count> : Number of threads to be used, default is 1.\n  -q <thread pool queue size> : Thread pool queue size to be used, default is 1024.\n',
  // AclCommands.GetfaclCommand.DESCRIPTION / SetfaclCommand.DESCRIPTION (Hadoop 3.4.1 hadoop-common fs/shell/AclCommands.java)
  '-getfacl':
    'Displays the Access Control Lists (ACLs) of files and directories. If a directory has a default ACL, then getfacl also displays the default ACL.\n' +
    '  -R: List the ACLs of all files and directories recursively.\n  <path>: File or directory to list.\n',
  '-setfacl':
    'Sets Access Control Lists (ACLs) of files and directories.\nOptions:\n' +
    '  -b :Remove all but the base ACL entries. The entries for user, group and others are retained for compatibility with permission bits.\n' +
    '  -k :Remove the default ACL.\n  -R :Apply operations to all files and directories recursively.\n' +
    '  -m :Modify ACL. New entries are added to the ACL, and existing entries are retained.\n' +
    '  -x :Remove specified ACL entries. Other ACL entries are retained.\n' +
    '  --set :Fully replace the ACL, discarding all existing entries. The <acl_spec> must include entries for user, group, and others for compatibility with permission bits. ' +
    'If the ACL spec contains only access entries, then the existing default entries are retained. If the ACL spec contains only default entries, then the existing access entries are retained. ' +
    'If the ACL spec contains both access and default entries, then both are replaced.\n' +
    '  <acl_spec>: Comma separated list of ACL entries.\n  <path>: File or directory to modify.\n',
  // XAttrCommands.GetfattrCommand.DESCRIPTION / SetfattrCommand.DESCRIPTION (Hadoop 3.4 hadoop-common fs/shell/XAttrCommands.java)
  '-getfattr':
    'Displays the extended attribute names and values (if any) for a file or directory.\n' +
    '-R: Recursively list the attributes for all files and directories.\n-n name: Dump the named extended attribute value.\n' +
    '-d: Dump all extended attribute values associated with pathname.\n' +
    '-e <encoding>: Encode values after retrieving them.Valid encodings are "text", "hex", and "base64". ' +
    'Values encoded as text strings are enclosed in double quotes ("), and values encoded as hexadecimal and base64 are prefixed with 0x and 0s, respectively.\n' +
    '<path>: The file or directory.\n',
  '-setfattr':
    'Sets an extended attribute name and value for a file or directory.\n-n name: The extended attribute name.\n' +
    '-v value: The extended attribute value. There are three different encoding methods for the value. ' +
    'If the argument is enclosed in double quotes, then the value is the string inside the quotes. ' +
    'If the argument is prefixed with 0x or 0X, then it is taken as a hexadecimal number. ' +
    'If the argument begins with 0s or 0S, then it is taken as a base64 encoding.\n' +
    '-x name: Remove the extended attribute.\n<path>: The file or directory.\n',
  '-getmerge':
    'Get all the files in the directories that match the source file pattern and merge and sort them to only one file on local fs. <src> is kept.\n-nl: Add a newline character at the end of each file.\n-skip-empty-file: Do not add new line character for empty file.',
  '-head': 'Show the first 1KB of the file.\n',
  '-help': 'Displays help for given command or all commands if none is specified.',
  '-ls':
    'List the contents that match the specified file pattern. If path is not specified, the contents of /user/<currentUser> will be listed. For a directory a list of its direct children is returned (unless -d option is specified).\n\n' +
    'Directory entries are of the form:\n\tpermissions - userId groupId sizeOfDirectory(in bytes) modificationDate(yyyy-MM-dd HH:mm) directoryName\n\n' +
    'and file entries are of the form:\n\tpermissions numberOfReplicas userId groupId sizeOfFile(in bytes) modificationDate(yyyy-MM-dd HH:mm) fileName\n\n' +
    '  -C  Display the paths of files and directories only.\n  -d  Directories are listed as plain files.\n  -h  Formats the sizes of files in a human-readable fashion\n      rather than a number of bytes.\n' +
    '  -q  Print ? instead of non-printable characters.\n  -R  Recursively list the contents of directories.\n  -t  Sort files by modification time (most recent first).\n  -S  Sort files by size.\n' +
    '  -r  Reverse the order of the sort.\n  -u  Use time of last access instead of modification for\n      display and sorting.\n  -e  Display the erasure coding policy of files and directories.\n',
  '-mkdir': 'Create a directory in specified location.\n-p: Do not fail if the directory already exists',
  '-moveFromLocal': "Same as -put, except that the source is deleted after it's copied.",
  '-moveToLocal': 'Not implemented yet',
  '-mv': 'Move files that match the specified file pattern <src> to a destination <dst>.  When moving multiple files, the destination must be a directory.',
  '-put':
    'Copy files from the local file system into fs. Copying fails if the file already exists, unless the -f flag is given.\nFlags:\n' +
    '  -p : Preserves timestamps, ownership and the mode.\n  -f : Overwrites the destination if it already exists.\n  -t <thread count> : Number of threads to be used, default is 1.\n' +
    '  -q <thread pool queue size> : Thread pool queue size to be used, default is 1024.\n' +
    '  -l : Allow DataNode to lazily persist the file to disk. Forces replication factor of 1. This flag will result in reduced durability. Use with care.\n' +
    '  -d : Skip creation of temporary file(<dst>._COPYING_).\n',
  '-rm':
    'Delete all files that match the specified file pattern. Equivalent to the Unix command "rm <src>"\n' +
    '-f: If the file does not exist, do not display a diagnostic message or modify the exit status to reflect an error.\n-[rR]:  Recursively deletes directories.\n' +
    '-skipTrash: option bypasses trash, if enabled, and immediately deletes <src>.\n' +
    '-safely: option requires safety confirmation, if enabled, requires confirmation before deleting large directory with more than <hadoop.shell.delete.limit.num.files> files. Delay is expected when walking over large directory recursively to count the number of files to be deleted before the confirmation.\n',
  '-rmdir': 'Removes the directory entry specified by each directory argument, provided it is empty.\n',
  '-setrep':
    'Set the replication level of a file. If <path> is a directory then the command recursively changes the replication factor of all files under the directory tree rooted at <path>. The EC files will be ignored here.\n' +
    '-w: It requests that the command waits for the replication to complete. This can potentially take a very long time.\n' +
    '-R: It is accepted for backwards compatibility. It has no effect.',
  '-stat':
    'Print statistics about the file/directory at <path>\nin the specified format. Format accepts permissions in\noctal (%a) and symbolic (%A), filesize in\nbytes (%b), type (%F), group name of owner (%g),\n' +
    'name (%n), block size (%o), replication (%r), user name\nof owner (%u), access date (%x, %X).\nmodification date (%y, %Y).\n' +
    '%x and %y show UTC date as "yyyy-MM-dd HH:mm:ss" and\n%X and %Y show milliseconds since January 1, 1970 UTC.\nIf the format is not specified, %y is used by default.\n',
  '-tail': 'Show the last 1KB of the file.\n-f: Shows appended data as the file grows.\n-s: With -f , defines the sleep interval between iterations in milliseconds.\n',
  '-test':
    'Answer various questions about <path>, with result via exit status.\n  -d  return 0 if <path> is a directory.\n  -e  return 0 if <path> exists.\n  -f  return 0 if <path> is a file.\n' +
    '  -s  return 0 if file <path> is greater         than zero bytes in size.\n  -w  return 0 if file <path> exists         and write permission is granted.\n' +
    '  -r  return 0 if file <path> exists         and read permission is granted.\n  -z  return 0 if file <path> is         zero bytes in size, else return 1.',
  '-text': 'Takes a source file and outputs the file in text format.\nThe allowed formats are zip and TextRecordInputStream and Avro.',
  '-touch':
    'Updates the access and modification times of the file specified by the <path> to the current time. If the file does not exist, then a zero length file is created at <path> with current time as the timestamp of that <path>.\n' +
    '-a Change only the access time \n-m Change only the modification time \n-t TIMESTAMP Use specified timestamp instead of current time\n TIMESTAMP format yyyyMMdd:HHmmss\n-c Do not create any files',
  '-touchz': 'Creates a file of zero length at <path> with current time as the timestamp of that <path>. An error is returned if the file exists with non-zero length\n',
  '-truncate': 'Truncate all files that match the specified file pattern to the specified length.\n-w: Requests that the command wait for block recovery to complete, if necessary.',
  '-usage': 'Displays the usage for given command or all commands if none is specified.',
};

/** Find.buildDescription: HELP, then its primaries (Name, Print) and operators (And) with their usage and help lines. */
function findDescription(): string {
  const expression = (usage: string[], help: string[]) => `${usage.map((l) => `  ${l}\n`).join('')}${help.map((l) => `    ${l}\n`).join('')}\n`;
  return (
    'Finds all files that match the specified expression and\napplies selected actions to them. If no <path> is specified\nthen defaults to the current working directory. If no\nexpression is specified then defaults to -print.\n' +
    '\nThe following primary expressions are recognised:\n' +
    expression(['-name pattern', '-iname pattern'], ['Evaluates as true if the basename of the file matches the', 'pattern using standard file system globbing.', 'If -iname is used then the match is case insensitive.']) +
    expression(['-print', '-print0'], ['Always evaluates to true. Causes the current pathname to be', 'written to standard output followed by a newline. If the -print0', 'expression is used then an ASCII NULL character is appended rather', 'than a newline.']) +
    'The following operators are recognised:\n' +
    expression(['expression -a expression', 'expression -and expression', 'expression expression'], ['Logical AND operator for joining two expressions. Returns', 'true if both child expressions return true. Implied by the', 'juxtaposition of two expressions and so does not need to be', 'explicitly specified. The second expression will not be', 'applied if the first fails.'])
  );
}

/** A command's usage as Command.getUsage gives it (from `hsec fs -name ...`; a deprecated command: its name alone). */
function commandUsage(usages: Readonly<Record<string, string>>, name: string): string {
  return usages[name]!.slice('hsec fs '.length);
}

/** Command.getDescription. */
function description(name: string): string {
  const replacement = DEPRECATED[name];
  return replacement ? `(DEPRECATED) Same as '${replacement}'` : (DESCRIPTIONS[name] ?? '');
}

/** FsShell.UnknownCommandException("`cmd': Unknown command") from -usage / -help. */
export class UnknownCommand extends Error {}

/** ToolRunner.printGenericCommandUsage, for the generic options hsec takes. */
export const GENERIC_OPTIONS =
  'Generic options supported are:\n' +
  '-conf <configuration file>        specify an application configuration file\n' +
  '-D <property=value>               define a value for a given property\n' +
  "-fs <file:///|hdfs://namenode:port> specify default filesystem URL to use, overrides 'fs.defaultFS' property from configurations.\n" +
  '\nThe general command line syntax is:\ncommand [genericOptions] [commandOptions]\n\n';

/** FsShell.printInfo(out, null, showHelp): every command's usage (and with help, its description), then the generic options. */
export function allCommandsInfo(usages: Readonly<Record<string, string>>, showHelp: boolean): string {
  const names = Object.keys(usages).filter((n) => !DEPRECATED[n]).sort();
  let text = `${USAGE_PREFIX}\n${names.map((n) => `\t[${commandUsage(usages, n)}]\n`).join('')}`;
  if (showHelp) text += names.map((n) => `\n${instanceHelp(commandUsage(usages, n), description(n))}`).join('');
  return `${text}\n${GENERIC_OPTIONS}`;
}

/** FsShell.printInfo(out, cmd, showHelp) for `-usage cmd` / `-help cmd` (cmd without its dash). */
export function commandInfo(usages: Readonly<Record<string, string>>, cmd: string, showHelp: boolean): string {
  const name = `-${cmd}`;
  if (!usages[name]) throw new UnknownCommand(`\`${cmd}': Unknown command`);
  return showHelp ? instanceHelp(commandUsage(usages, name), description(name)) : `${USAGE_PREFIX} ${commandUsage(usages, name)}\n`;
}

/** FsShell.displayError: `cmd: message`, and for a name without its dash that is a command, the hint. */
export function displayError(usages: Readonly<Record<string, string>>, cmd: string, message: string): string {
  return message
    .split('\n')
    .map((line) => `${cmd}: ${line}\n${!cmd.startsWith('-') && usages[`-${cmd}`] ? `Did you mean -${cmd}?  This command begins with a dash.\n` : ''}`)
    .join('');
}

/**
 * FsShell's Usage and Help commands: every command (no argument) or each named one (without its
 * dash) to stdout; an unknown name stops with "`name': Unknown command", the usage list and this
 * command's usage on stderr (FsShell.run's IllegalArgumentException), exit -1.
 */
export function runHelp(usages: Readonly<Record<string, string>>, verb: '-help' | '-usage', names: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const showHelp = verb === '-help';
  if (names.length === 0) {
    out(allCommandsInfo(usages, showHelp));
    return 0;
  }
  for (const name of names) {
    try {
      out(commandInfo(usages, name, showHelp));
    } catch (e) {
      if (!(e instanceof UnknownCommand)) throw e;
      err(`${displayError(usages, verb, e.message)}${allCommandsInfo(usages, false)}${commandInfo(usages, verb.slice(1), false)}`);
      return SHELL_FAILURE;
    }
  }
  return 0;
}
