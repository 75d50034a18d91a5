/**
 * Hadoop's AccessControlList (hadoop-common security/authorize/AccessControlList.java, 3.4.1), the
 * value syntax of service ACLs such as security.datanode.protocol.acl: the text is split at its first
 * space (`aclString.split(" ", 2)`) into comma-separated users and comma-separated groups
 * (`alice,bob ops,admins`; a leading space names groups only; an empty value admits nobody). Either
 * part being `*` (after trimming) admits everyone, so `alice *` and `* ops` do too (buildACL checks
 * each part). Items are separated by commas or line breaks, trimmed, empty ones dropped
 * (StringUtils.getTrimmedStringCollection). Users are matched by short name.
 */
import { parseTrimmedStringCollection } from '../../lib/config/index.ts';

export class AccessControlList {
  readonly allAllowed: boolean;
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;

  /**
   * `new AccessControlList(aclString)`: users, then groups after the first space; or
   * `new AccessControlList(users, groups)` (the two-list constructor DefaultImpersonationProvider
   * uses for hadoop.proxyuser.NAME.users / .groups): each list as given, whatever white space it
   * holds (a value written over several XML lines stays a user list); an absent list is empty.
   */
  constructor(...args: [acl: string] | [users: string | undefined, groups: string | undefined]) {
    let parts: [string | undefined, string | undefined];
    if (args.length === 2) parts = args;
    else {
      const space = args[0].indexOf(' ');
      parts = space < 0 ? [args[0], undefined] : [args[0].slice(0, space), args[0].slice(space + 1)];
    }
    // buildACL: either part being "*" (isWildCardACLValue: trimmed, exactly "*") admits everyone
    this.allAllowed = parts.some((part) => part !== undefined && part.trim() === '*');
    this.users = this.allAllowed ? new Set() : trimmedItems(parts[0]);
    this.groups = this.allAllowed ? new Set() : trimmedItems(parts[1]);
  }

  /** isUserAllowed: `*`, the short name listed, or one of `groups` listed. */
  isUserAllowed(shortName: string, groups: readonly string[]): boolean {
    return this.allAllowed || this.users.has(shortName) || groups.some((g) => this.groups.has(g));
  }

  toString(): string {
    return this.allAllowed ? '*' : `${[...this.users].join(',')} ${[...this.groups].join(',')}`;
  }
}

/** The users or groups of one part, as StringUtils.getTrimmedStringCollection splits it. */
function trimmedItems(list: string | undefined): Set<string> {
  return new Set(parseTrimmedStringCollection(list));
}
