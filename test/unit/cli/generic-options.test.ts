// Hadoop's generic options on the hsec CLI: `-D key=value` (repeatable, before or after the
// subcommand, also `-Dkey=value`) overrides the site files, final properties included.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../cluster/cli/index.ts';
import { cliConfigSource, parseDefine } from '../../../cluster/cli/generic-options.ts';
import { loadCliConfiguration } from '../../../cluster/cli/cli-configuration.ts';
import type { Configuration } from '../../../lib/config/index.ts';

describe('cli: generic options (-D key=value, --conf)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hsec-cli-generic-'));
    writeFileSync(
      join(dir, 'core-site.xml'),
      '<configuration>\n' +
        '<property><name>ipc.maximum.data.length</name><value>4096</value></property>\n' +
        '<property><name>hadoop.rpc.protection</name><value>privacy</value><final>true</final></property>\n' +
        '</configuration>\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Parses argv with a probe subcommand that loads the configuration the way the real ones do. */
  async function confFor(argv: string[]): Promise<Configuration> {
    const program = await buildProgram();
    let conf: Configuration | undefined;
    program
      .command('probe')
      .allowUnknownOption()
      .argument('[args...]')
      .action((_args: string[], _o: unknown, command: Command) => {
        conf = loadCliConfiguration(cliConfigSource(command), {});
      });
    await program.parseAsync(['node', 'hsec', ...argv]);
    return conf!;
  }

  it('-D overrides the site files (final ones too), repeatable, before or after the subcommand', async () => {
    const base = await confFor(['--conf', dir, 'probe']);
    expect(base.getInt('ipc.maximum.data.length')).to.equal(4096);
    expect(base.get('hadoop.rpc.protection')).to.equal('privacy');

    const c = await confFor(['--conf', dir, '-D', 'ipc.maximum.data.length=1024', 'probe', '-Dhadoop.rpc.protection=integrity', '-D', 'ipc.client.connect.timeout=5s']);
    expect(c.getInt('ipc.maximum.data.length')).to.equal(1024);
    expect(c.get('hadoop.rpc.protection')).to.equal('integrity');
    expect(c.getTimeDuration('ipc.client.connect.timeout', 'ms')).to.equal(5000);
    expect(c.source('ipc.maximum.data.length')).to.equal('command line');
  });

  it('a value may contain "="; a later -D of the same key wins; no "=" is a usage error', async () => {
    expect(parseDefine('a.b=x=y', { c: '1' })).to.deep.equal({ c: '1', 'a.b': 'x=y' });
    const c = await confFor(['-D', 'ipc.maximum.data.length=1', 'probe', '-D', 'ipc.maximum.data.length=2']);
    expect(c.getInt('ipc.maximum.data.length')).to.equal(2);
    expect(() => parseDefine('novalue', undefined)).to.throw(/-D needs key=value/);
    const program = await buildProgram();
    program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    program.command('probe').action(() => undefined);
    let err: { exitCode?: number } | undefined;
    try {
      await program.parseAsync(['node', 'hsec', '-D', 'novalue', 'probe']);
    } catch (e) {
      err = e as { exitCode?: number };
    }
    expect(err?.exitCode).to.equal(1); // commander's usage error (main() maps it to exit 2)
  });

  it('a malformed value for a typed key is refused when the configuration is validated', async () => {
    let err: { code?: string } | undefined;
    try {
      await confFor(['-D', 'ipc.maximum.data.length=lots', 'probe']);
    } catch (e) {
      err = e as { code?: string };
    }
    expect(err?.code).to.match(/^CONFIG_/);
  });
});
