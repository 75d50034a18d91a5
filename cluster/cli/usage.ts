/**
 * A command used wrongly (missing operand, unknown verb, bad flag value): exit status 2 and the
 * usage line of that command only, not the whole help, as MIT's and Hadoop's tools do.
 */
import { ConfigError, type ErrorDetails } from '../../lib/errors/index.ts';

export class UsageError extends ConfigError {
  /** The usage line of the command that was misused. */
  readonly usage: string;

  constructor(reason: string, usage: string, details: ErrorDetails = {}) {
    super('CONFIG_INVALID', reason, details);
    this.usage = usage;
  }
}
