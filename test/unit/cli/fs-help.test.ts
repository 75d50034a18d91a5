/**
 * `hsec fs -help` / `-usage` text without a NameNode: FsShell.printInstanceHelp's layout (wrap at
 * 80, option lines as a TableListing) checked against what stock Hadoop printed
 * (test/vectors/fsshell-help.json), StringUtils.wrap's rules, the sorted usage list without
 * deprecated commands, the unknown-command message and displayError's dash hint.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { instanceHelp, javaSplit, optionTable, wrap } from '../../../cluster/cli/fs-help-format.ts';
import { allCommandsInfo, commandInfo, displayError, UnknownCommand } from '../../../cluster/cli/fs-help.ts';
import { fsUsage } from '../../../cluster/cli/commands/fs.ts';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/fsshell-help.json', import.meta.url), 'utf8')) as {
  vectors: { command: string; usage: string; description: string; output: string; sameInHsec: boolean }[];
  usageList: { lines: string[] };
};


const usages = {
  '-put': 'hsec fs -put [-f] [-p] [-l] [-d] [-t <thread count>] [-q <thread pool queue size>] <localsrc> ... <dst>',
  '-setrep': 'hsec fs -setrep [-R] [-w] <rep> <path> ...',
  '-du': 'hsec fs -du [-s] [-h] [-v] [-x] <path> ...',
  '-dus': 'hsec fs -dus',
  '-cat': 'hsec fs -cat [-ignoreCrc] <src> ...',
  '-count': 'hsec fs -count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] [-s] <path> ...',
  '-ls': 'hsec fs -ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]',
  '-chmod': 'hsec fs -chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...',
  '-chown': 'hsec fs -chown [-R] [OWNER][:[GROUP]] PATH...',
  '-getfacl': 'hsec fs -getfacl [-R] <path>',
  '-setfacl': 'hsec fs -setfacl [-R] [{-b|-k} {-m|-x <acl_spec>} <path>]|[--set <acl_spec> <path>]',
  '-getfattr': 'hsec fs -getfattr [-R] {-n name | -d} [-e en] <path>',
  '-setfattr': 'hsec fs -setfattr {-n name [-v value] | -x name} <path>',
  '-truncate': 'hsec fs -truncate [-w] <length> <path> ...',
};

describe('cli/fs help: FsShell -help and -usage text', () => {
  for (const v of vectors.vectors) {
    it(`${v.command}'s USAGE and DESCRIPTION lay out as Hadoop's -help ${v.command.slice(1)} prints them${v.sameInHsec ? ', and hsec fs -help prints the same' : ''}`, () => {
      expect(instanceHelp(v.usage, v.description)).to.equal(v.output);
      if (v.sameInHsec) expect(commandInfo(usages, v.command.slice(1), true)).to.equal(v.output);
    });
  }

  it("hsec fs's usage list is Hadoop 3.4's, every command included (the snapshot ones too)", () => {
    const expected = vectors.usageList.lines;
    const listed = fsUsage().split('\n\n')[0]!.split('\n').slice(1).map((l) => l.replace(/^\t/, ''));
    expect(listed).to.deep.equal(expected);
  });

  it('-help test and touch: the 3.4 classes\' DESCRIPTION (Test, TouchCommands.Touch)', () => {
    const help = (cmd: string) => commandInfo({ '-test': 'hsec fs -test -[defswrz] <path>', '-touch': 'hsec fs -touch [-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ...' }, cmd, true);
    expect(help('test')).to.contain('\n    -w  return 0 if file <path> exists         and write permission is granted.\n');
    // Touch.DESCRIPTION's " TIMESTAMP format" line keeps its leading blank (StringUtils.wrap leaves short lines alone)
    expect(help('touch')).to.contain('\n  -t TIMESTAMP Use specified timestamp instead of current time\n   TIMESTAMP format yyyyMMdd:HHmmss\n  -c Do not create any files\n');
  });

  it('wrap: at the last space within the width, a leading space dropped, a long word cut', () => {
    expect(wrap('aaa bbb ccc', 7)).to.equal('aaa bbb\nccc');
    expect(wrap('aaa  bbb', 3)).to.equal('aaa\nbbb');
    expect(wrap('abcdefgh ij', 4)).to.equal('abcd\nefgh\nij');
    expect(wrap('short', 80)).to.equal('short');
    expect(javaSplit('a\n\nb\n\n', '\n')).to.deep.equal(['a', '', 'b']);
    expect(javaSplit('', '\n')).to.deep.equal(['']);
  });

  it('optionTable: the first column one wider than its longest entry, the second narrowed to fit 80', () => {
    const lines = optionTable([['-x', 'y'.repeat(100)]]);
    expect(lines[0]).to.equal(' '.repeat(3 + 1 + 75));
    expect(lines.slice(1)).to.deep.equal([`-x  ${'y'.repeat(75)}`, `    ${'y'.repeat(25).padEnd(75)}`]);
    expect(instanceHelp('-a', 'Text: with two colons: here\n-z: opt')).to.equal(`-a :\n  Text: with two colons: here\n  ${' '.repeat(4 + 4)}\n  -z  opt \n`);
  });

  it('-usage lists the commands sorted by name, deprecated ones left out, then the generic options', () => {
    const text = allCommandsInfo(usages, false);
    expect(text).to.match(/^Usage: hsec fs \[generic options\]\n\t\[-cat \[-ignoreCrc\] <src> \.\.\.\]\n\t\[-chmod /);
    expect(text).to.not.contain('-dus');
    expect(text.indexOf('[-put')).to.be.lessThan(text.indexOf('[-setrep'));
    expect(text).to.contain('\nGeneric options supported are:\n-conf <configuration file>        specify an application configuration file\n');
    expect(text.endsWith('command [genericOptions] [commandOptions]\n\n')).to.equal(true);
    expect(commandInfo(usages, 'du', false)).to.equal('Usage: hsec fs [generic options] -du [-s] [-h] [-v] [-x] <path> ...\n');
    expect(commandInfo(usages, 'dus', true)).to.equal("-dus :\n  (DEPRECATED) Same as 'du -s'\n");
    expect(allCommandsInfo(usages, true)).to.contain('\n\n-count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] [-s] <path> ... :\n  Count the number of directories, files and bytes under the paths\n');
  });

  it('an unknown command, and the hint for a command typed without its dash', () => {
    expect(() => commandInfo(usages, 'nosuch', true)).to.throw(UnknownCommand, "`nosuch': Unknown command");
    expect(displayError(usages, '-nosuch', 'Unknown command')).to.equal('-nosuch: Unknown command\n');
    expect(displayError(usages, 'ls', 'Unknown command')).to.equal('ls: Unknown command\nDid you mean -ls?  This command begins with a dash.\n');
  });
});
