/**
 * `hsec policy`: the selective-encryption policy of a cluster, edited where its servers read it
 * (cluster/policy/targets.ts: ZooKeeper with hsec.security.sasl.whitelist.store=zookeeper, else the
 * whitelist and principal rules files), from `--config DIR` / HADOOP_CONF_DIR like every command:
 *
 *   hsec policy whitelist list | add ENTRY | remove ENTRY | import FILE | export
 *   hsec policy principal list | add PATTERN | remove PATTERN
 *   hsec policy explain ADDRESS [--principal P]
 *
 * Entries are checked with the servers' own parser before anything is written; writes are atomic
 * (a compare-and-set or one transaction in ZooKeeper, a rename for files), so a refused or failed
 * write changes nothing; every attempted change is appended to the audit log
 * (hsec.security.sasl.policy.audit.file). ZooKeeper unreachable (ZK_UNREACHABLE) and a write the
 * znode's ACL refuses (ZK_NO_AUTH) are errors naming the connect string, the identities and the ACL.
 * docs/selective-encryption.md.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { HsecError } from '../../../lib/errors/index.ts';
import { fileError } from '../../../lib/fs/file-errors.ts';
import type { Configuration } from '../../../lib/config/index.ts';
import { PolicyAuditLog } from '../../policy/audit-log.ts';
import { explain, formatExplanation } from '../../policy/explain.ts';
import { addEntry, entries, ListEditError, removeEntry, replaceText, type ListKind } from '../../policy/list-edit.ts';
import type { Edit } from '../../policy/list-editor.ts';
import { openList } from '../../policy/targets.ts';
import { loadCliConfiguration } from '../cli-configuration.ts';
import { cliConfigSource, type CliConfigArg } from '../generic-options.ts';
import { UsageError } from '../usage.ts';
import type { CliIo } from './fetchdt.ts';

const USAGES = {
  whitelist: 'hsec policy whitelist list | add ENTRY | remove ENTRY | import FILE | export',
  principal: 'hsec policy principal list | add PATTERN | remove PATTERN',
  explain: 'hsec policy explain ADDRESS [--principal PRINCIPAL]',
} as const;
const USAGE = `${USAGES.whitelist}\n       ${USAGES.principal}\n       ${USAGES.explain}`;

export function register(program: Command): void {
  program
    .command('policy')
    .description('edit and explain the selective-encryption policy: whitelist, principal rules (ZooKeeper or files); hsec policy help')
    .usage('whitelist (list|add|remove|import|export) | principal (list|add|remove) | explain ADDRESS [--principal P]')
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[], _opts: unknown, command: Command) => {
      process.exitCode = await runPolicy(cliConfigSource(command), args);
    });
}

/** `config`: a conf dir or the generic options; `argv`: the words after `policy`. */
export async function runPolicy(config: CliConfigArg, argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.out ?? ((s: string) => void process.stdout.write(s));
  const err = io.err ?? ((s: string) => void process.stderr.write(s));
  const env = io.env ?? process.env;
  const [area, verb, ...rest] = argv;
  if (area === undefined || area === 'help' || area === '-h' || area === '--help') {
    out(`Usage: ${USAGE}\n`);
    return area === undefined ? 2 : 0;
  }
  if (area === 'explain') return runExplain(config, argv.slice(1), out, env);
  if (area !== 'whitelist' && area !== 'principal') throw new UsageError(`unknown policy area "${area}"`, USAGE);
  const kind: ListKind = area === 'whitelist' ? 'whitelist' : 'principals';
  const usage = USAGES[area];
  const operand = (what: string): string => {
    if (rest.length !== 1) throw new UsageError(`${area} ${verb} takes one ${what}`, usage);
    return rest[0]!;
  };
  switch (verb) {
    case 'list':
    case 'export':
      if (rest.length > 0 || (verb === 'export' && kind !== 'whitelist')) throw new UsageError(`${area} ${verb} takes no operand`, usage);
      return show(loadCliConfiguration(config, env), kind, verb, out, env);
    case 'add': {
      const entry = operand(kind === 'whitelist' ? 'ENTRY' : 'PATTERN');
      return change(loadCliConfiguration(config, env), kind, `${area} add`, entry, usage, { out, err, env }, (text) => {
        const r = addEntry(kind, text, entry);
        return { ...r, result: r.changed ? `added ${entry.trim()}` : `${entry.trim()} is already there` };
      });
    }
    case 'remove': {
      const entry = operand(kind === 'whitelist' ? 'ENTRY' : 'PATTERN');
      return change(loadCliConfiguration(config, env), kind, `${area} remove`, entry, usage, { out, err, env }, (text) => {
        const r = removeEntry(kind, text, entry);
        return { text: r.text, changed: r.removed > 0, result: r.removed > 0 ? `removed ${entry.trim()} (${r.removed} line${r.removed > 1 ? 's' : ''})` : `${entry.trim()} is not there` };
      });
    }
    case 'import': {
      if (kind !== 'whitelist') throw new UsageError(`${area} import is not available`, usage);
      const file = operand('FILE');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw fileError('read', file, e, 'name the whitelist file to import');
      }
      return change(loadCliConfiguration(config, env), kind, `${area} import`, file, usage, { out, err, env }, (current) => {
        const next = replaceText(kind, text, file);
        return { text: next, changed: next !== current, result: `imported ${entries(next).length} entries from ${file}` };
      });
    }
    default:
      throw new UsageError(verb === undefined ? `${area} needs a verb` : `unknown ${area} verb "${verb}"`, usage);
  }
}

async function show(conf: Configuration, kind: ListKind, verb: 'list' | 'export', out: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const list = await openList(conf, kind, env);
  try {
    const text = await list.editor.read();
    if (verb === 'export') out(text);
    else for (const e of entries(text)) out(`${e}\n`);
    return 0;
  } finally {
    await list.close();
  }
}

/** One audited, atomic change. */
async function change(conf: Configuration, kind: ListKind, command: string, entry: string, usage: string, io: { out: (s: string) => void; err: (s: string) => void; env: NodeJS.ProcessEnv }, edit: (text: string) => Edit<string>): Promise<number> {
  const { out } = io;
  const list = await openList(conf, kind, io.env);
  let audit: PolicyAuditLog | undefined;
  try {
    audit = await PolicyAuditLog.open(list.auditFile);
    if (list.warning) io.err(`hsec: warning: ${list.warning}\n`);
    let result: Edit<string>;
    try {
      result = await list.editor.update(edit);
    } catch (e) {
      const code = e instanceof HsecError ? e.code : e instanceof ListEditError ? 'INVALID_ENTRY' : 'ERROR';
      await audit.record({ command, entry, list: list.editor.origin, outcome: `failed: ${code}`, zkIdentities: zkIds(list) });
      if (e instanceof ListEditError) throw new UsageError(e.message, usage, { entry });
      throw e;
    }
    await audit.record({ command, entry, list: list.editor.origin, outcome: result.changed ? 'changed' : 'unchanged', zkIdentities: zkIds(list) });
    out(`${result.result} (${list.editor.origin}, ${entries(await list.editor.read()).length} entries)\n`);
    return 0;
  } finally {
    await audit?.close();
    await list.close();
  }
}

function zkIds(list: { editor: { store: string }; identities(): string[] }): string[] | undefined {
  return list.editor.store === 'zookeeper' ? list.identities() : undefined;
}

async function runExplain(config: CliConfigArg, args: readonly string[], out: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  let principal: string | undefined;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--principal' || a === '-principal') {
      principal = args[++i];
      if (principal === undefined) throw new UsageError('--principal needs a principal', USAGES.explain);
    } else if (a.startsWith('--principal=')) principal = a.slice('--principal='.length);
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`, USAGES.explain);
    else operands.push(a);
  }
  if (operands.length !== 1) throw new UsageError('explain takes one ADDRESS', USAGES.explain);
  const e = await explain(loadCliConfiguration(config, env), operands[0]!, principal, env);
  out(formatExplanation(e));
  return e.unavailable.length > 0 ? 1 : 0;
}
