/**
 * `hsec storagepolicies`, after Hadoop 3.4.1's `hdfs storagepolicies` (hadoop-hdfs
 * tools/StoragePolicyAdmin.java with AdminHelper): `-listPolicies`, `-setStoragePolicy -path <path>
 * -policy <policy>`, `-getStoragePolicy -path <path>`, `-unsetStoragePolicy -path <path>`,
 * `-satisfyStoragePolicy -path <path>` and `-help [command-name]`, against the NameNode of
 * fs.defaultFS (or `-fs`) as the login user; paths relative to /user/<short name>. Output, messages
 * and exit codes are StoragePolicyAdmin's: the success lines on stdout and 0; a failed call prints
 * AdminHelper.prettifyException (the exception's simple class name, then the first line of its
 * message: a NameNode refusal DFSClient does not unwrap stays a `RemoteException`) on stderr and
 * exits 2; a missing -path or -policy prints the command's usage and exits 1; an option without
 * its value exits 255 (-1). -getStoragePolicy prints the policy of the path's status (the one in
 * force: set on the path or the nearest ancestor; "unspecified" when none is). The NameNode records
 * policies but moves no replicas, and refuses -satisfyStoragePolicy (its satisfier is off).
 * "bin/hdfs" in AdminHelper's usage line reads "hsec".
 */
import type { Command } from 'commander';
import { HsecError } from '../../../lib/errors/index.ts';
import { HdfsClient } from '../../client/hdfs-client.ts';
import { blockStoragePolicyString } from '../../protocol/block-storage-policy.ts';
import { adminUsage, optionListing, prettifyException, runAdminTool, type AdminCommand } from '../admin-helper.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { IllegalArgument, popOptionWithArgument } from './dfsadmin.ts';
import type { CliIo } from './fetchdt.ts';

/** Java exception classes DFSClient unwraps from a RemoteException for a call (RemoteException.unwrapRemoteException). */
const UNWRAP_CHANGE = [
  'org.apache.hadoop.security.AccessControlException', 'java.io.FileNotFoundException', 'org.apache.hadoop.hdfs.server.namenode.SafeModeException',
  'org.apache.hadoop.hdfs.protocol.NSQuotaExceededException', 'org.apache.hadoop.hdfs.protocol.UnresolvedPathException',
  'org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException',
];
const UNWRAP_SATISFY = UNWRAP_CHANGE.filter((c) => !c.endsWith('NSQuotaExceededException') && !c.endsWith('SnapshotAccessControlException'));
const UNWRAP_FILE_INFO = ['org.apache.hadoop.security.AccessControlException', 'java.io.FileNotFoundException', 'org.apache.hadoop.hdfs.protocol.UnresolvedPathException'];

/** Whether `e` is the FileNotFoundException DistributedFileSystem.getFileStatus throws (or the NameNode sent). */
function isFileNotFound(e: unknown): boolean {
  return e instanceof HsecError && (e.code === 'FILE_NOT_FOUND' || e.code === 'FS_NOT_FOUND' || e.details['exceptionClassName'] === 'java.io.FileNotFoundException');
}

/** `new Path(path)`: an empty string is Path.checkPathArg's IllegalArgumentException. */
function checkPathArg(path: string): void {
  if (path === '') throw new IllegalArgument('Can not create a Path from an empty string');
}

const pathOnly = (name: string) => `[${name} -path <path>]\n`;

/** A command whose one option is -path, that calls `call` and prints `success`. */
function pathCommand(name: string, missing: string, description: string, pathHelp: string, unwrap: readonly string[],
  call: (fs: HdfsClient, path: string) => Promise<void>, success: (path: string) => string): AdminCommand {
  const longUsage = `${pathOnly(name)}\n${description}\n\n${optionListing([['<path>', pathHelp]])}`;
  return {
    name, shortUsage: pathOnly(name), longUsage,
    run: async (ctx, args) => {
      const path = popOptionWithArgument(args, '-path');
      if (path === undefined) {
        ctx.err(`${missing}\nUsage: ${longUsage}\n`);
        return 1;
      }
      checkPathArg(path);
      try {
        await call(await ctx.fs(), path);
        ctx.out(`${success(path)}\n`);
      } catch (e) {
        ctx.err(`${prettifyException(e, unwrap)}\n`);
        return 2;
      }
      return 0;
    },
  };
}

const SET_USAGE = '[-setStoragePolicy -path <path> -policy <policy>]\n';
const SET_LONG_USAGE = `${SET_USAGE}\nSet the storage policy to a file/directory.\n\n${optionListing([
  ['<path>', 'The path of the file/directory to set storage policy'], ['<policy>', 'The name of the block storage policy'],
])}`;
const GET_LONG_USAGE = `${pathOnly('-getStoragePolicy')}\nGet the storage policy of a file/directory.\n\n${optionListing([
  ['<path>', 'The path of the file/directory for getting the storage policy'],
])}`;

/** StoragePolicyAdmin.COMMANDS, in its order. */
const COMMANDS: readonly AdminCommand[] = [
  {
    name: '-listPolicies',
    shortUsage: '[-listPolicies]\n',
    longUsage: '[-listPolicies]\n\nList all the existing block storage policies.\n',
    run: async (ctx) => {
      try {
        const policies = await (await ctx.fs()).getAllStoragePolicies();
        ctx.out(`Block Storage Policies:\n${policies.map((p) => `\t${blockStoragePolicyString(p)}\n`).join('')}`);
      } catch (e) {
        ctx.err(`${prettifyException(e)}\n`);
        return 2;
      }
      return 0;
    },
  },
  {
    name: '-setStoragePolicy',
    shortUsage: SET_USAGE,
    longUsage: SET_LONG_USAGE,
    run: async (ctx, args) => {
      const path = popOptionWithArgument(args, '-path');
      if (path === undefined) {
        ctx.err(`Please specify the path for setting the storage policy.\nUsage: ${SET_LONG_USAGE}\n`);
        return 1;
      }
      const policyName = popOptionWithArgument(args, '-policy');
      if (policyName === undefined) {
        ctx.err(`Please specify the policy name.\nUsage: ${SET_LONG_USAGE}\n`);
        return 1;
      }
      checkPathArg(path);
      try {
        await (await ctx.fs()).setStoragePolicy(path, policyName);
        ctx.out(`Set storage policy ${policyName} on ${path}\n`);
      } catch (e) {
        ctx.err(`${prettifyException(e, UNWRAP_CHANGE)}\n`);
        return 2;
      }
      return 0;
    },
  },
  {
    name: '-getStoragePolicy',
    shortUsage: pathOnly('-getStoragePolicy'),
    longUsage: GET_LONG_USAGE,
    run: async (ctx, args) => {
      const path = popOptionWithArgument(args, '-path');
      if (path === undefined) {
        ctx.err(`Please specify the path with -path.\nUsage: ${GET_LONG_USAGE}\n`);
        return 1;
      }
      checkPathArg(path);
      try {
        const fs = await ctx.fs();
        let id: number;
        try {
          id = (await fs.stat(path)).storagePolicy ?? 0;
        } catch (e) {
          if (!isFileNotFound(e)) throw e;
          ctx.err(`File/Directory does not exist: ${path}\n`);
          return 2;
        }
        if (id === 0) {
          ctx.out(`The storage policy of ${path} is unspecified\n`);
          return 0;
        }
        const policy = (await fs.getAllStoragePolicies()).find((p) => p.policyId === id);
        if (policy) {
          ctx.out(`The storage policy of ${path}:\n${blockStoragePolicyString(policy)}\n`);
          return 0;
        }
        ctx.err(`-getStoragePolicy is not supported for filesystem hdfs on path ${path}\n`);
        return 2;
      } catch (e) {
        ctx.err(`${prettifyException(e, UNWRAP_FILE_INFO)}\n`);
        return 2;
      }
    },
  },
  pathCommand('-unsetStoragePolicy', 'Please specify the path from which the storage policy will be unset.', 'Unset the storage policy set for a file/directory.',
    'The path of the file/directory from which the storage policy will be unset.', UNWRAP_CHANGE,
    (fs, path) => fs.unsetStoragePolicy(path), (path) => `Unset storage policy from ${path}`),
  pathCommand('-satisfyStoragePolicy', 'Please specify the path for setting the storage policy.', 'Schedule blocks to move based on file/directory policy.',
    'The path of the file/directory to satisfy storage policy', UNWRAP_SATISFY,
    (fs, path) => fs.satisfyStoragePolicy(path), (path) => `Scheduled blocks to move based on the current storage policy on ${path}`),
];

/** AdminHelper.printUsage(false, "storagepolicies", COMMANDS), then ToolRunner.printGenericCommandUsage. */
export function storagePoliciesUsage(): string {
  return adminUsage('storagepolicies', COMMANDS);
}

export function register(program: Command): void {
  program
    .command('storagepolicies')
    .description('block storage policies like hdfs storagepolicies: -listPolicies, -setStoragePolicy, -getStoragePolicy, -unsetStoragePolicy, -satisfyStoragePolicy, -help')
    .usage('-listPolicies | -setStoragePolicy -path <path> -policy <policy> | -getStoragePolicy -path <path> | -unsetStoragePolicy -path <path> | -satisfyStoragePolicy -path <path> | -help [command-name]')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runStoragePolicies(cliConfigSource(command), args);
    });
}

/** StoragePolicyAdmin.run: `config` a conf dir or the generic options; `argv` the words after `storagepolicies`. */
export function runStoragePolicies(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  return runAdminTool('storagepolicies', COMMANDS, config, argv, io);
}
