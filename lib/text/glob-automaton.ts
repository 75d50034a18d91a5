/**
 * The matcher behind GlobPattern (./glob-pattern.ts): the regular expression a glob becomes, as a
 * Thompson automaton run over all its states at once (Russ Cox, "Regular Expression Matching Can
 * Be Simple And Fast"; what RE2 and re2j do), so a match costs at most (name length) x (pattern
 * size) steps. A backtracking engine such as JavaScript's RegExp takes exponential or high
 * polynomial time on globs like `*a*a*a*a*a*a*b` or `{a,a}{a,a}{a,a}...` (re2j, which Hadoop uses,
 * does not), so RegExp tests only single code points against classes here.
 *
 * The input is the token list ./glob-pattern.ts reads from the RE2 syntax: one-code-point atoms
 * (a literal code point, or `.`, a class or a Perl class as a JavaScript pattern for the `u`
 * flag), assertions (`\A` `\z` `\b` `\B`), `(?:`, `)`, `|` and `*` after an atom.
 */

export type RegexToken =
  | { readonly t: 'literal'; readonly ch: string }
  | { readonly t: 'class'; readonly js: string }
  | { readonly t: 'assert'; readonly js: '^' | '$' | '\\b' | '\\B' }
  | { readonly t: 'open' | 'close' | 'alt' | 'star' };

/** Whether one code point is accepted. */
type CharTest = (c: string) => boolean;

type Node =
  | { k: 'char'; test: CharTest }
  | { k: 'assert'; js: '^' | '$' | '\\b' | '\\B' }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; branches: Node[] }
  | { k: 'star'; body: Node };

type State =
  | { k: 'char'; test: CharTest; next: number }
  | { k: 'assert'; js: '^' | '$' | '\\b' | '\\B'; next: number }
  | { k: 'split'; outs: number[] }
  | { k: 'match' };

/** A compiled whole-string matcher. */
export class GlobAutomaton {
  readonly #states: State[];
  readonly #start: number;

  /** `tokens` must be balanced (./glob-pattern.ts has checked them and raised re2j's errors). */
  constructor(tokens: readonly RegexToken[]) {
    const tests = new Map<string, CharTest>();
    let pos = 0;
    const parseAlt = (): Node => {
      const branches = [parseSeq()];
      while (tokens[pos]?.t === 'alt') {
        pos++;
        branches.push(parseSeq());
      }
      return branches.length === 1 ? branches[0]! : { k: 'alt', branches };
    };
    const parseSeq = (): Node => {
      const items: Node[] = [];
      for (let tok = tokens[pos]; tok && tok.t !== 'alt' && tok.t !== 'close'; tok = tokens[pos]) {
        pos++;
        let item: Node;
        if (tok.t === 'open') {
          item = parseAlt();
          pos++; // the ')'
        } else if (tok.t === 'literal') {
          const ch = tok.ch;
          item = { k: 'char', test: (c) => c === ch };
        } else if (tok.t === 'class') {
          let test = tests.get(tok.js);
          if (!test) {
            const re = new RegExp(`^${tok.js}$`, 'u');
            tests.set(tok.js, (test = (c) => re.test(c)));
          }
          item = { k: 'char', test };
        } else if (tok.t === 'assert') item = { k: 'assert', js: tok.js };
        else continue; // a stray `*` cannot reach here: the reader refuses one without an atom
        while (tokens[pos]?.t === 'star') {
          pos++;
          item = { k: 'star', body: item };
        }
        items.push(item);
      }
      return { k: 'seq', items };
    };
    const tree = parseAlt();
    this.#states = [{ k: 'match' }];
    this.#start = this.#compile(tree, 0);
  }

  /** The start state of `node` followed by state `next`. */
  #compile(node: Node, next: number): number {
    const add = (s: State): number => this.#states.push(s) - 1;
    switch (node.k) {
      case 'char':
        return add({ k: 'char', test: node.test, next });
      case 'assert':
        return add({ k: 'assert', js: node.js, next });
      case 'seq': {
        let s = next;
        for (let i = node.items.length - 1; i >= 0; i--) s = this.#compile(node.items[i]!, s);
        return s;
      }
      case 'alt':
        return add({ k: 'split', outs: node.branches.map((b) => this.#compile(b, next)) });
      case 'star': {
        const loop: State & { k: 'split' } = { k: 'split', outs: [] };
        const at = add(loop);
        loop.outs.push(this.#compile(node.body, at), next);
        return at;
      }
    }
  }

  /** Whether all of `name` matches. */
  matches(name: string): boolean {
    const chars = Array.from(name); // code points, as RE2 reads them
    let current = this.#closure([this.#start], chars, 0);
    for (let i = 0; i < chars.length && current.length > 0; i++) {
      const c = chars[i]!;
      const next: number[] = [];
      for (const s of current) {
        const st = this.#states[s]!;
        if (st.k === 'char' && st.test(c)) next.push(st.next);
      }
      current = this.#closure(next, chars, i + 1);
    }
    return current.some((s) => this.#states[s]!.k === 'match');
  }

  /** The states reachable from `from` without reading a character, at position `i` (splits followed, assertions checked). */
  #closure(from: readonly number[], chars: readonly string[], i: number): number[] {
    const seen = new Set<number>();
    const out: number[] = [];
    const stack = [...from];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      const st = this.#states[s]!;
      if (st.k === 'split') stack.push(...st.outs);
      else if (st.k === 'assert') {
        if (holds(st.js, chars, i)) stack.push(st.next);
      } else out.push(s);
    }
    return out;
  }
}

const WORD = /^[0-9A-Za-z_]$/;

/** `\A` (JavaScript `^` without the m flag), `\z` (`$`), and the ASCII word boundaries `\b` `\B`, at position `i`. */
function holds(js: '^' | '$' | '\\b' | '\\B', chars: readonly string[], i: number): boolean {
  if (js === '^') return i === 0;
  if (js === '$') return i === chars.length;
  const boundary = WORD.test(chars[i - 1] ?? '') !== WORD.test(chars[i] ?? '');
  return js === '\\b' ? boundary : !boundary;
}
