/**
 * `hsec version`, after `hadoop version`: the hsec version, the Hadoop release whose formats and
 * defaults it follows, and the Node.js running it.
 */
import type { Command } from 'commander';
import { hsecVersion } from '../version.ts';
import { HADOOP_COMPATIBLE_VERSION } from '../../protocol/hadoop-version.ts';

export { HADOOP_COMPATIBLE_VERSION };

export function versionText(): string {
  return `hsec ${hsecVersion()}\nCompatible with Apache Hadoop ${HADOOP_COMPATIBLE_VERSION} (IPC v9, RpcSaslProto, token formats)\nNode.js ${process.version}\n`;
}

export function register(program: Command): void {
  program
    .command('version')
    .description('print the hsec version (like hadoop version)')
    .action(() => {
      process.stdout.write(versionText());
    });
}
