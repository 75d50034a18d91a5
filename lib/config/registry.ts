/**
 * The key registry: every key hsec reads is declared exactly once (lib/config/keys/*.ts) and looked up
 * here by name or by a deprecated alias. The deprecation mapping follows Hadoop's
 * `Configuration.addDeprecations(DeprecationDelta[])`: an old name resolves to its new name on every
 * read and write, and the first use of an old name logs a warning naming the replacement.
 */
import type { KeyDef } from './types.ts';

export class KeyRegistry {
  readonly #byName = new Map<string, KeyDef>();
  readonly #aliasToName = new Map<string, string>();

  constructor(defs: Iterable<KeyDef>) {
    for (const def of defs) this.#add(def);
  }

  #add(def: KeyDef): void {
    if (this.#byName.has(def.name) || this.#aliasToName.has(def.name)) {
      throw new Error(`configuration key ${def.name} declared twice`);
    }
    validateDef(def);
    this.#byName.set(def.name, def);
    for (const alias of def.deprecated ?? []) {
      if (this.#byName.has(alias) || this.#aliasToName.has(alias)) {
        throw new Error(`deprecated alias ${alias} of ${def.name} is already declared`);
      }
      this.#aliasToName.set(alias, def.name);
    }
  }

  /** The declaration for `name` (or for the key `name` is a deprecated alias of). */
  get(name: string): KeyDef | undefined {
    return this.#byName.get(this.canonicalName(name));
  }

  /** The current name for `name`: itself, or the new name if `name` is a deprecated alias. */
  canonicalName(name: string): string {
    return this.#aliasToName.get(name) ?? name;
  }

  isDeprecated(name: string): boolean {
    return this.#aliasToName.has(name);
  }

  /** Every declaration, sorted by name. */
  all(): KeyDef[] {
    return [...this.#byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

function validateDef(def: KeyDef): void {
  if (def.type === 'duration' && !def.unit) throw new Error(`duration key ${def.name} needs a unit`);
  if (def.type === 'enum' && !def.values?.length) throw new Error(`enum key ${def.name} needs values`);
  if (def.type === 'enum' && def.default !== undefined && !def.values!.includes(def.default.toLowerCase())) {
    throw new Error(`default of enum key ${def.name} is not one of its values`);
  }
}
