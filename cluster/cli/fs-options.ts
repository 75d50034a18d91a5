/**
 * How `hsec fs` takes options off its command line, after FsShell's CommandFormat (3.4): letters
 * (hsec also takes them bundled, `-rf`), the whole-word options CommandFormat names such as
 * `-ignoreCrc` and `-crc`, and options with a value (`-t <thread count>`, `-q <thread pool queue
 * size>`, CommandFormat.addOptionWithValue), all before the first operand.
 */
import { UsageError } from './usage.ts';

/** CopyCommandWithMultiThread's -t and -q, which -cp, -put and -get take. */
export const THREAD_OPTIONS = '[-t <thread count>] [-q <thread pool queue size>]';

/** Splits `-r -f` style flags (also bundled `-rf`) off the operands. */
export function flags(args: readonly string[], allowed: string): { set: Set<string>; operands: string[] } {
  const set = new Set<string>();
  const operands: string[] = [];
  for (const a of args) {
    if (/^-[A-Za-z]+$/.test(a) && operands.length === 0) {
      for (const c of a.slice(1)) {
        if (!allowed.includes(c)) throw new UsageError(`Illegal option -${c}`, '');
        set.add(c);
      }
    } else operands.push(a);
  }
  return { set, operands };
}

/**
 * The whole-word options (CommandFormat("crc", "ignoreCrc")) and those with a value each command
 * takes besides its letters (MoveFromLocal parses its own options, without -t and -q).
 */
const GET_OPTIONS = { words: ['crc', 'ignoreCrc'], valued: ['t', 'q'], min: 1 };
const PUT_OPTIONS = { words: [], valued: ['t', 'q'], min: 1 };
const WORD_OPTIONS: Readonly<Record<string, { words: readonly string[]; valued: readonly string[]; min: number }>> = {
  '-get': GET_OPTIONS,
  '-copyToLocal': GET_OPTIONS,
  '-put': PUT_OPTIONS,
  '-copyFromLocal': PUT_OPTIONS,
  '-cp': { words: [], valued: ['t', 'q'], min: 2 },
  '-cat': { words: ['ignoreCrc'], valued: [], min: 1 },
  '-text': { words: ['ignoreCrc'], valued: [], min: 1 },
};

/**
 * CommandFormat.parse for a command's whole-word options and options with a value: among the
 * leading options (up to the first operand, `-` or `--`), each named one comes out of `args`; an
 * option with a value takes the next word unless it starts with `-` or too few words are left
 * (then ""). -t (thread count) and -q (queue size) must be Java ints (Integer.parseInt's
 * NumberFormatException otherwise); hsec copies one file at a time whatever they say, as Hadoop
 * does with -t 1. Returns the whole-word options given.
 */
export function popWordOptions(named: string, args: string[], usage: string): Set<string> {
  const spec = WORD_OPTIONS[named];
  const given = new Set<string>();
  if (!spec) return given;
  for (let i = 0; i < args.length; ) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-' || a === '--') break;
    const name = a.slice(1);
    if (spec.words.includes(name)) {
      given.add(name);
      args.splice(i, 1);
    } else if (spec.valued.includes(name)) {
      args.splice(i, 1);
      // CommandFormat has removed the options before this one: what is left from here on must exceed the minimum
      const value = i < args.length && args.length - i > spec.min && !args[i]!.startsWith('-') ? args.splice(i, 1)[0]! : '';
      if (!/^[+-]?\d+$/.test(value) || Number(value) > 2 ** 31 - 1 || Number(value) < -(2 ** 31)) throw new UsageError(`${named}: For input string: "${value}"`, usage);
    } else i++;
  }
  return given;
}

