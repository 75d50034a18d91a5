/**
 * Hadoop's permission-mode texts (hadoop-common org.apache.hadoop.fs.permission: PermissionParser
 * with ChmodParser for `hdfs dfs -chmod` and UmaskParser for fs.permissions.umask-mode), pure.
 *
 * A mode is octal (chmod: `[+][0|1]ddd`, the optional first digit being the sticky bit; umask:
 * `[+]0*ddd`) or symbolic: comma-separated clauses `[ugoa]*[+-=]+[rwxXt]+` (umask: `[rwx]*`, no X
 * or t). Hadoop's rules, which differ from POSIX chmod in places, are kept: no class letter means
 * `a` and no umask applies; a later clause for a class replaces an earlier one rather than adding
 * to it (`u+x,u+w` is `u+w`); the sticky bit follows the clauses that name `o` (or `a`, or no
 * class), so `a=r` clears it and `u+t` does nothing; `X` gives x only to directories and to files
 * that already have an x bit; an octal mode sets every bit, the sticky bit included (0 when only
 * three digits are given).
 */

type Op = '+' | '-' | '=';

/** One class's change: the operation and its bits (r 4, w 2, x 1, X 8; for the sticky class 1 = t). */
interface Segment {
  op: Op;
  bits: number;
}

/** Java's \s: space, tab, newline, vertical tab, form feed, carriage return. */
const S = ' \\t\\n\\x0B\\f\\r';

interface Grammar {
  /** one clause, matched where the previous one ended (Java's \G with Matcher.find) */
  symbolic: RegExp;
  /** the whole text: group 1 the sticky digit (or zeros), group 2 the three octal digits */
  octal: RegExp;
}

/** ChmodParser's chmodNormalPattern and chmodOctalPattern. */
const CHMOD: Grammar = {
  symbolic: new RegExp(`[${S}]*([ugoa]*)([+=-]+)([rwxXt]+)([,${S}]*)[${S}]*`, 'y'),
  octal: new RegExp(`^[${S}]*[+]?([01]?)([0-7]{3})[${S}]*$`),
};

/** UmaskParser's umaskSymbolicPattern and chmodOctalPattern (no X, no t, no sticky digit). */
const UMASK: Grammar = {
  symbolic: new RegExp(`[${S}]*([ugoa]*)([+=-]+)([rwx]*)([,${S}]*)[${S}]*`, 'y'),
  octal: new RegExp(`^[${S}]*[+]?(0*)([0-7]{3})[${S}]*$`),
};

/** A parsed mode: what it does to each class of an existing mode. */
export class PermissionChange {
  /** true for a symbolic mode (umask: complemented) */
  readonly symbolic: boolean;
  readonly #sticky: Segment;
  readonly #user: Segment;
  readonly #group: Segment;
  readonly #other: Segment;

  constructor(symbolic: boolean, sticky: Segment, user: Segment, group: Segment, other: Segment) {
    this.symbolic = symbolic;
    this.#sticky = sticky;
    this.#user = user;
    this.#group = group;
    this.#other = other;
  }

  /**
   * PermissionParser.combineModes: the mode after the change. `existing` is read as
   * FsPermission.toShort reads it (sticky bit and rwx bits only); `exeOk` lets X add x.
   */
  apply(existing: number, exeOk: boolean): number {
    const e = existing & 0o1777;
    return (segment(this.#sticky, e >>> 9, false) << 9)
      | (segment(this.#user, (e >>> 6) & 7, exeOk) << 6)
      | (segment(this.#group, (e >>> 3) & 7, exeOk) << 3)
      | segment(this.#other, e & 7, exeOk);
  }
}

/** PermissionParser.combineModeSegments. */
function segment({ op, bits }: Segment, existing: number, exeOk: boolean): number {
  let mode = bits;
  const capX = (mode & 8) !== 0;
  if (capX) mode = (mode & ~8) | 1;
  if (op === '+') mode |= existing;
  else if (op === '-') mode = ~mode & existing;
  // X adds x only where execution is already possible
  if (capX && !exeOk && (mode & 1) !== 0 && (existing & 1) === 0) mode &= ~1;
  return mode;
}

/**
 * PermissionParser's constructor: when a first symbolic clause matches the text is symbolic (and
 * invalid if the rest is not), else it must be octal; undefined when it is neither.
 */
function parse(text: string, grammar: Grammar): PermissionChange | undefined {
  const symbolic = parseSymbolic(text, grammar.symbolic);
  if (symbolic === INVALID) return undefined;
  return symbolic ?? parseOctal(text, grammar.octal);
}

/** A symbolic text that started well and went wrong: Hadoop refuses it without trying octal. */
const INVALID = null;

/** applyNormalPattern: clauses one after another, each but the last ending in a comma. */
function parseSymbolic(text: string, clause: RegExp): PermissionChange | typeof INVALID | undefined {
  const unchanged = (): Segment => ({ op: '+', bits: 0 });
  let [sticky, user, group, other] = [unchanged(), unchanged(), unchanged(), unchanged()];
  let at = 0;
  let commaSeparated = true;
  for (let i = 0; i === 0 || at < text.length; i++) {
    if (!commaSeparated) return i === 0 ? undefined : INVALID;
    clause.lastIndex = at;
    const m = clause.exec(text);
    if (!m) return i === 0 ? undefined : INVALID;
    const [, who, ops, perms, separator] = m as unknown as [string, string, string, string, string];
    const op = ops[ops.length - 1] as Op;
    const all = who.replace(/a/g, '') === '';
    let bits = 0;
    for (const c of perms) bits |= c === 'r' ? 4 : c === 'w' ? 2 : c === 'x' ? 1 : c === 'X' ? 8 : 0;
    if (all || who.includes('u')) user = { op, bits };
    if (all || who.includes('g')) group = { op, bits };
    if (all || who.includes('o')) {
      other = { op, bits };
      sticky = { op, bits: perms.includes('t') ? 1 : 0 };
    }
    commaSeparated = separator.includes(',');
    at = clause.lastIndex;
  }
  return new PermissionChange(true, sticky, user, group, other);
}

/** applyOctalPattern: every class is set ('='), the sticky bit from the first of four digits. */
function parseOctal(text: string, pattern: RegExp): PermissionChange | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  const sticky = m[1] ? Number(m[1][0]) : 0;
  const digits = m[2]!;
  const set = (bits: number): Segment => ({ op: '=', bits });
  return new PermissionChange(false, set(sticky), set(Number(digits[0])), set(Number(digits[1])), set(Number(digits[2])));
}

/**
 * ChmodParser: the change a `-chmod` MODE makes, or undefined when the text is neither a symbolic
 * nor an octal mode (FsShell: "chmod : mode 'x' does not match the expected pattern.").
 */
export function parseChmod(text: string): PermissionChange | undefined {
  return parse(text, CHMOD);
}

/**
 * ChmodParser.applyNewPermission: the new mode of an inode with mode `existing`; X counts a
 * directory, or a file with an x bit, as executable.
 */
export function chmodResult(change: PermissionChange, existing: number, isDirectory: boolean): number {
  return change.apply(existing, isDirectory || (existing & 0o111) !== 0);
}

/**
 * UmaskParser.getUMask: the umask of fs.permissions.umask-mode (`022`, `0022`, `u=rwx,g=rx,o=`),
 * or undefined when the text is not one. A symbolic umask names the bits to keep, so it is
 * complemented; an octal one names the bits to clear.
 */
export function parseUmaskMode(text: string): number | undefined {
  const change = parse(text, UMASK);
  if (!change) return undefined;
  const mode = change.apply(0, false);
  return change.symbolic ? ~mode & 0o777 : mode;
}
