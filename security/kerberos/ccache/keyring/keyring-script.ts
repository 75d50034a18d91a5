/**
 * The keyring operations MIT cc_keyring.c performs, as one POSIX sh script over `keyctl` (see
 * ./keyctl.ts for why), and the parser of what it prints. Layout (cc_keyring.c): an anchor keyring
 * (session, user, or the per-UID persistent keyring) holds a collection keyring `_krb_<name>`
 * (`_krb` in the persistent keyring); the collection holds a user key `krb_ccache:primary`
 * (payload: 32-bit version 1, 32-bit length, the primary cache name) and one keyring per cache;
 * a cache keyring holds `__krb5_princ__` (the default principal), `__krb5_time_offsets__` (KDC
 * offset seconds and microseconds, 32-bit each) and one key per credential named by its server
 * principal (big_key, or user where the kernel has no big_key), each in the FILE v4 encoding.
 *
 *   $1 op: dump | write | destroy | switch | reserve
 *   $2 anchor: session | legacy | user | persistent   $3 uid (persistent)   $4 collection keyring name
 *   dump WHICH            prints C <id>, P <primary b64>, K <id> <name b64> per cache keyring,
 *                         E <cache> <key> <type> <desc b64> <payload b64> per key of WHICH ('*' all)
 *   write SUB PRIMARY LEGACY KEYTYPE PRINC OFFSETS KTIMEOUT [DESC PAYLOAD TIMEOUT]...
 *                         (re)initialises cache SUB (keyctl clear), creating what is missing
 *   destroy SUB LEGACY    clears and unlinks cache SUB; prints DESTROYED or NONE
 *   switch PRIMARY        sets krb_ccache:primary
 *   reserve SUB           creates an empty cache keyring SUB unless it exists; prints K or EXISTS
 */

export const KEYRING_SCRIPT = String.raw`
op=$1 anchor=$2 uid=$3 coll=$4
shift 4
fail() { echo "hsec-keyring: $*" >&2; exit 3; }
b64() { base64 -w0; }
unb64() { printf %s "$1" | base64 -d; }
# rdescribe prints type;uid;gid;perm;description; MIT takes what follows the last ';'.
desc_of() { printf %s "$1" | sed 's/.*;//'; }
anchor_id() {
  case $anchor in
    persistent) keyctl get_persistent @s "$uid" ;;
    user) keyctl link @u @s >/dev/null 2>&1; keyctl id @u ;;
    *) keyctl id @s ;;
  esac
}
A=$(anchor_id) || fail "cannot open the $anchor keyring"
C=$(keyctl search "$A" keyring "$coll" 2>/dev/null) || C=
need_coll() {
  [ -n "$C" ] && return 0
  C=$(keyctl newring "$coll" "$A") || fail "cannot create keyring $coll"
}
case $op in
dump)
  which=$1
  [ -n "$C" ] || { echo NOCOLL; exit 0; }
  echo "C $C"
  P=$(keyctl search "$C" user krb_ccache:primary 2>/dev/null) && echo "P $(keyctl pipe "$P" | b64)"
  for k in $(keyctl rlist "$C"); do
    d=$(keyctl rdescribe "$k" 2>/dev/null) || continue
    case $d in keyring\;*) ;; *) continue ;; esac
    name=$(desc_of "$d")
    echo "K $k $(printf %s "$name" | b64)"
    [ "$which" = '*' ] || [ "$which" = "$name" ] || continue
    for e in $(keyctl rlist "$k" 2>/dev/null); do
      ed=$(keyctl rdescribe "$e" 2>/dev/null) || continue
      payload=$(keyctl pipe "$e" 2>/dev/null | b64) || continue
      echo "E $k $e $(printf %s "$ed" | cut -d';' -f1) $(desc_of "$ed" | b64) $payload"
    done
  done
  ;;
write)
  sub=$1 primary=$2 legacy=$3 keytype=$4 princ=$5 offsets=$6 ktimeout=$7
  shift 7
  need_coll
  if [ -n "$primary" ] && ! keyctl search "$C" user krb_ccache:primary >/dev/null 2>&1; then
    unb64 "$primary" | keyctl padd user krb_ccache:primary "$C" >/dev/null || fail "cannot set the primary cache of $coll"
  fi
  K=$(keyctl search "$C" keyring "$sub" 2>/dev/null) || K=$(keyctl newring "$sub" "$C") || fail "cannot create keyring $sub"
  keyctl clear "$K" || fail "cannot clear keyring $sub"
  [ "$legacy" = 1 ] && keyctl link "$K" "$A" >/dev/null 2>&1
  unb64 "$princ" | keyctl padd user __krb5_princ__ "$K" >/dev/null || fail "cannot store the principal"
  if [ -n "$offsets" ]; then unb64 "$offsets" | keyctl padd user __krb5_time_offsets__ "$K" >/dev/null || fail "cannot store the time offsets"; fi
  while [ $# -ge 3 ]; do
    desc=$(unb64 "$1")
    id=
    [ "$keytype" = big_key ] && id=$(unb64 "$2" | keyctl padd big_key "$desc" "$K" 2>/dev/null)
    [ -n "$id" ] || id=$(unb64 "$2" | keyctl padd user "$desc" "$K") || fail "cannot store $desc"
    [ "$3" -gt 0 ] && keyctl timeout "$id" "$3"
    shift 3
  done
  [ "$ktimeout" -gt 0 ] && keyctl timeout "$K" "$ktimeout"
  echo "K $K"
  ;;
destroy)
  sub=$1 legacy=$2
  [ -n "$C" ] || { echo NONE; exit 0; }
  K=$(keyctl search "$C" keyring "$sub" 2>/dev/null) || { echo NONE; exit 0; }
  keyctl clear "$K" || fail "cannot clear keyring $sub"
  keyctl unlink "$K" "$C" >/dev/null || fail "cannot unlink keyring $sub"
  [ "$legacy" = 1 ] && keyctl unlink "$K" "$A" >/dev/null 2>&1
  echo DESTROYED
  ;;
switch)
  need_coll
  unb64 "$1" | keyctl padd user krb_ccache:primary "$C" >/dev/null || fail "cannot set the primary cache of $coll"
  ;;
reserve)
  need_coll
  keyctl search "$C" keyring "$1" >/dev/null 2>&1 && { echo EXISTS; exit 0; }
  K=$(keyctl newring "$1" "$C") || fail "cannot create keyring $1"
  echo "K $K"
  ;;
*) fail "unknown operation $op" ;;
esac
exit 0
`;

/** One key of a cache keyring, as the dump prints it. */
export interface DumpedKey {
  readonly id: string;
  readonly type: string;
  readonly description: string;
  readonly payload: Buffer;
}

/** What `dump` printed: the collection, its primary index payload, its cache keyrings (in link order) and their keys. */
export interface Dump {
  readonly collection?: string;
  readonly primary?: Buffer;
  readonly caches: ReadonlyArray<{ readonly id: string; readonly name: string; readonly keys: readonly DumpedKey[] }>;
}

export function parseDump(stdout: string): Dump {
  let collection: string | undefined;
  let primary: Buffer | undefined;
  const caches: Array<{ id: string; name: string; keys: DumpedKey[] }> = [];
  for (const line of stdout.split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'C') collection = f[1];
    else if (f[0] === 'P') primary = Buffer.from(f[1] ?? '', 'base64');
    else if (f[0] === 'K') caches.push({ id: f[1]!, name: Buffer.from(f[2] ?? '', 'base64').toString('utf8'), keys: [] });
    else if (f[0] === 'E') {
      const cache = caches.find((c) => c.id === f[1]);
      cache?.keys.push({ id: f[2]!, type: f[3]!, description: Buffer.from(f[4] ?? '', 'base64').toString('utf8'), payload: Buffer.from(f[5] ?? '', 'base64') });
    }
  }
  return { ...(collection !== undefined ? { collection } : {}), ...(primary !== undefined ? { primary } : {}), caches };
}

/** The primary index payload: version 1, length, name (cc_keyring.c set_primary_name). */
export function encodePrimaryIndex(name: string): Buffer {
  const n = Buffer.from(name, 'utf8');
  const b = Buffer.alloc(8 + n.length);
  b.writeUInt32BE(1, 0);
  b.writeUInt32BE(n.length, 4);
  n.copy(b, 8);
  return b;
}

/** The primary cache name of an index payload; undefined when malformed or of another version (parse_index). */
export function decodePrimaryIndex(payload: Buffer): string | undefined {
  if (payload.length < 8 || payload.readUInt32BE(0) !== 1) return undefined;
  const len = payload.readUInt32BE(4);
  if (len > payload.length - 8) return undefined;
  return payload.subarray(8, 8 + len).toString('utf8');
}
