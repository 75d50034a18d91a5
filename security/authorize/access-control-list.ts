/**
 * Hadoop's AccessControlList (hadoop-common security/authorize/AccessControlList.java), the value
 * syntax of service ACLs such as security.datanode.protocol.acl: `*` admits everyone; otherwise
 * comma-separated users, a space, then comma-separated groups (`alice,bob ops,admins`; a leading
 * space names groups only; an empty value admits nobody). Users are matched by short name.
 */
export class AccessControlList {
  readonly allAllowed: boolean;
  readonly users: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;

  constructor(acl: string) {
    const list = (s: string | undefined) => new Set((s ?? '').split(',').map((x) => x.trim()).filter(Boolean));
    this.allAllowed = acl.trim() === '*';
    const space = acl.indexOf(' ');
    const usersPart = space < 0 ? acl : acl.slice(0, space);
    const groupsPart = space < 0 ? '' : acl.slice(space + 1);
    this.users = this.allAllowed ? new Set() : list(usersPart);
    this.groups = this.allAllowed ? new Set() : list(groupsPart);
  }

  /**
   * `new AccessControlList(users, groups)` (the two-list constructor DefaultImpersonationProvider
   * uses for hadoop.proxyuser.NAME.users / .groups): either list being `*` admits everyone; an
   * absent list is empty.
   */
  static of(users: string | undefined, groups: string | undefined): AccessControlList {
    if ([users, groups].some((p) => p !== undefined && p.trim() === '*')) return new AccessControlList('*');
    return new AccessControlList(`${users ?? ''} ${groups ?? ''}`);
  }

  /** isUserAllowed: `*`, the short name listed, or one of `groups` listed. */
  isUserAllowed(shortName: string, groups: readonly string[]): boolean {
    return this.allAllowed || this.users.has(shortName) || groups.some((g) => this.groups.has(g));
  }

  toString(): string {
    return this.allAllowed ? '*' : `${[...this.users].join(',')} ${[...this.groups].join(',')}`;
  }
}
