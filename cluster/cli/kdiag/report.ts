/**
 * The report of `hsec kdiag`, with Hadoop KDiag's shape and failure semantics
 * (org.apache.hadoop.security.KDiag): sections open with `== Title ==` and end with `-----`; a
 * probe that does not hold prints `ERROR: CATEGORY: text` and, unless --nofail, stops the scan with
 * a KerberosDiagsFailure (exit 41, "41 == HTTP 401 == unauthorized"); with --nofail the scan goes
 * on and still exits 41 at the end. Warnings (`WARNING: CATEGORY: text`) never change the exit
 * code. The categories are KDiag's (CAT_CONFIG, CAT_JAAS, CAT_JVM, CAT_KERBEROS, CAT_LOGIN,
 * CAT_SASL, CAT_UGI, CAT_TOKEN). Lines go to a sink (stdout, or the --out file); nothing here
 * formats a key, password or token byte.
 */
import { KerberosError } from '../../../lib/errors/index.ts';

/** KDiag.KDIAG_FAILURE: the exit code of a failed diagnosis. */
export const KDIAG_FAILURE = 41;

/** KDiag's failure categories. */
export type KdiagCategory = 'CONFIG' | 'JAAS' | 'JVM' | 'KERBEROS' | 'LOGIN' | 'SASL' | 'UGI' | 'TOKEN';

/** KDiag.KerberosDiagsFailure: a probe failed and --nofail was not given ("CATEGORY: text"). */
export class KerberosDiagsFailure extends KerberosError {
  readonly category: KdiagCategory;

  constructor(category: KdiagCategory, text: string) {
    super('KRB_DIAGNOSTICS', `${category}: ${text}`, { category });
    this.category = category;
  }
}

export class KdiagReport {
  readonly #write: (line: string) => void;
  readonly #nofail: boolean;
  #failed = false;
  readonly #failures: string[] = [];
  readonly #warnings: string[] = [];

  constructor(write: (line: string) => void, nofail: boolean) {
    this.#write = write;
    this.#nofail = nofail;
  }

  /** A probe failed (the exit code is then 41). */
  get failed(): boolean {
    return this.#failed;
  }

  /** The failure lines, `CATEGORY: text`, in order. */
  get failures(): readonly string[] {
    return this.#failures;
  }

  get warnings(): readonly string[] {
    return this.#warnings;
  }

  println(line = ''): void {
    this.#write(`${line}\n`);
  }

  /** `name = "value"`, or `(unset)` (KDiag printEnv / printConfOpt). */
  value(name: string, value: string | undefined): void {
    this.println(`${name} = ${value === undefined ? '(unset)' : `"${value}"`}`);
  }

  title(text: string): void {
    this.println();
    this.println();
    this.println(`== ${text} ==`);
    this.println();
  }

  endln(): void {
    this.println();
    this.println('-----');
  }

  warn(category: KdiagCategory, text: string): void {
    this.#warnings.push(`${category}: ${text}`);
    this.println(`WARNING: ${category}: ${text}`);
  }

  /** An error line that does not fail the scan (KDiag.error). */
  error(category: KdiagCategory, text: string): void {
    this.println(`ERROR: ${category}: ${text}`);
  }

  /** KDiag.verify: true when `condition` holds; else ERROR, and a failure unless --nofail. */
  verify(condition: boolean, category: KdiagCategory, text: string | (() => string)): boolean {
    if (condition) return true;
    this.#recordFailure(category, typeof text === 'string' ? text : text());
    if (!this.#nofail) throw new KerberosDiagsFailure(category, this.#failures.at(-1)!.slice(category.length + 2));
    return false;
  }

  /** KDiag.failif: a failure whatever --nofail says (the scan cannot go on without it). */
  failif(condition: boolean, category: KdiagCategory, text: string): void {
    if (!condition) return;
    this.#recordFailure(category, text);
    throw new KerberosDiagsFailure(category, text);
  }

  #recordFailure(category: KdiagCategory, text: string): void {
    this.#failed = true;
    this.#failures.push(`${category}: ${text}`);
    this.error(category, text);
  }
}
