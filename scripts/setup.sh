#!/usr/bin/env bash
# hsec set-up: installs what `npm test` and `npm start` need on Debian 12 with Node 20, and nothing
# when it is all there already (a run with everything installed takes well under a second).
#   - apt: krb5-kdc krb5-admin-server krb5-user libkrb5-dev (MIT Kerberos: the throwaway KDC and
#     the native build of the `kerberos` test peer), zookeeper, keyutils (keyctl: KEYRING credential
#     caches), heimdal-kcm (a real KCM daemon for the KCM cache tests), tcpdump (the on-the-wire
#     checks of the HDFS suites), a JDK when javac is missing,
#     and a C++ toolchain when the native build needs one. `apt-get update` only when installing.
#   - Heimdal Kerberos for the Heimdal interop tests, without displacing MIT: heimdal-kdc conflicts
#     with krb5-kdc and heimdal-clients takes over the kinit/klist alternatives, so only Heimdal's
#     shared libraries are installed with apt, and those two packages are fetched with
#     `apt-get download` (the version of the installed libkrb5-26-heimdal) and unpacked with
#     `dpkg-deb -x` into $HSEC_HEIMDAL_ROOT (default /opt/hsec-heimdal), when not unpacked yet.
#   - stops any system KDC / kadmind / ZooKeeper / kcm that a package's postinst started (our
#     fixtures run their own on free loopback ports and temp sockets, in temp dirs).
#   - npm ci when node_modules is missing or does not match package-lock.json, then makes sure the
#     native `kerberos` module is built.
# Runs as root, or through sudo when available. Set HSEC_SETUP_SKIP_APT=1 to skip the apt part.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'hsec setup: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@" || die "'$*' needs root: run \`sudo npm run setup\` once, or install the packages listed in README.md"
  else
    die "'$*' needs root and sudo is not available: run \`npm run setup\` as root"
  fi
}

pkg_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# --- system packages ------------------------------------------------------------------------
# Services whose postinst may start a daemon we do not want running.
SERVICE_PACKAGES="krb5-kdc krb5-admin-server zookeeper heimdal-kcm"
# What the unpacked heimdal-kdc and heimdal-clients binaries link against (their Depends, minus
# the packages that conflict with MIT or register alternatives).
HEIMDAL_LIBS="libasn1-8-heimdal libgssapi3-heimdal libhcrypto5-heimdal libhdb9-heimdal libheimbase1-heimdal
  libheimntlm0-heimdal libhx509-5-heimdal libkadm5clnt7-heimdal libkadm5srv8-heimdal libkafs0-heimdal
  libkdc2-heimdal libkrb5-26-heimdal libotp0-heimdal libroken19-heimdal libsl0-heimdal libwind0-heimdal
  libedit2 libcap-ng0"
HEIMDAL_ROOT="${HSEC_HEIMDAL_ROOT:-/opt/hsec-heimdal}"
HEIMDAL_PROGRAMS="usr/lib/heimdal-servers/kdc usr/bin/kadmin.heimdal usr/bin/ktutil.heimdal usr/bin/kinit.heimdal usr/bin/heimtools usr/bin/kgetcred"

install_system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian system: install MIT Kerberos (krb5kdc, kadmin.local, kinit, libkrb5 headers), ZooKeeper and a JDK 17 yourself"
    return 0
  fi
  local wanted="krb5-kdc krb5-admin-server krb5-user libkrb5-dev zookeeper keyutils heimdal-kcm tcpdump $HEIMDAL_LIBS"
  command -v javac >/dev/null 2>&1 || wanted="$wanted openjdk-17-jdk-headless"
  # node-gyp needs a compiler, make and python3 to build the `kerberos` devDependency.
  { command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } || wanted="$wanted build-essential"
  command -v python3 >/dev/null 2>&1 || wanted="$wanted python3"

  local missing=""
  for p in $wanted; do
    pkg_installed "$p" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0

  say "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # Keep postinst scripts from starting system daemons (policy-rc.d, exit 101 = "not allowed").
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [ ! -e "$policy" ]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    added_policy=1
  fi
  local rc=0
  as_root apt-get update -qq || rc=$?
  if [ "$rc" -eq 0 ]; then
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing || rc=$?
  fi
  [ "$added_policy" -eq 1 ] && as_root rm -f "$policy"
  [ "$rc" -eq 0 ] || die "apt-get failed (exit $rc) installing:$missing"

  stop_system_services "$missing"
}

# A daemon started by a postinst (before policy-rc.d existed, or under systemd) is stopped and
# disabled through the init system; our fixtures never use the system ones.
stop_system_services() {
  local installed="$1" svc
  for svc in $SERVICE_PACKAGES; do
    case " $installed " in *" $svc "*) ;; *) continue ;; esac
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      as_root systemctl disable --now "$svc" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      as_root service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
}

# --- Heimdal KDC and clients, unpacked beside MIT ---------------------------------------------
heimdal_unpacked() {
  local version="$1" prog
  [ "$(cat "$HEIMDAL_ROOT/.hsec-version" 2>/dev/null || true)" = "$version" ] || return 1
  for prog in $HEIMDAL_PROGRAMS; do [ -x "$HEIMDAL_ROOT/$prog" ] || return 1; done
}

install_heimdal_tree() {
  command -v dpkg-query >/dev/null 2>&1 || { say "not a Debian system: unpack Heimdal's kdc, kadmin, ktutil, kinit and heimtools under $HEIMDAL_ROOT yourself"; return 0; }
  local version
  version="$(dpkg-query -W -f='${Version}' libkrb5-26-heimdal 2>/dev/null || true)"
  [ -n "$version" ] || die "libkrb5-26-heimdal is not installed: cannot unpack a matching Heimdal KDC"
  heimdal_unpacked "$version" && return 0
  say "unpacking heimdal-kdc and heimdal-clients $version into $HEIMDAL_ROOT (not installed: they would conflict with MIT)"
  local work
  work="$(mktemp -d)"
  chmod 755 "$work" # apt-get download runs as the _apt user where it can
  local pkgs="heimdal-kdc=$version heimdal-clients=$version"
  # shellcheck disable=SC2086
  if ! (cd "$work" && apt-get download -qq $pkgs 2>/dev/null); then
    as_root apt-get update -qq || true
    # shellcheck disable=SC2086
    (cd "$work" && apt-get download -qq $pkgs) || { rm -rf "$work"; die "apt-get download $pkgs failed"; }
  fi
  as_root rm -rf "$HEIMDAL_ROOT"
  as_root mkdir -p "$HEIMDAL_ROOT"
  local deb
  for deb in "$work"/*.deb; do as_root dpkg-deb -x "$deb" "$HEIMDAL_ROOT"; done
  rm -rf "$work"
  local prog
  for prog in $HEIMDAL_PROGRAMS; do
    [ -x "$HEIMDAL_ROOT/$prog" ] || die "$HEIMDAL_ROOT/$prog is missing after unpacking heimdal-kdc and heimdal-clients"
    if ldd "$HEIMDAL_ROOT/$prog" | grep -q 'not found'; then
      die "$HEIMDAL_ROOT/$prog does not load: $(ldd "$HEIMDAL_ROOT/$prog" | grep 'not found' | tr -s ' \t\n' ' ')"
    fi
  done
  as_root sh -c "printf '%s\n' '$version' > '$HEIMDAL_ROOT/.hsec-version'"
}

# --- node modules ---------------------------------------------------------------------------
STAMP=node_modules/.hsec-setup-stamp
KERBEROS_NODE=node_modules/kerberos/build/Release/kerberos.node

lock_hash() {
  { sha256sum package-lock.json; node --version; } | sha256sum | cut -d' ' -f1
}

node_modules_match_lock() {
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
    for (const [path, entry] of Object.entries(lock.packages || {})) {
      if (!path || entry.link) continue;
      const manifest = path + "/package.json";
      if (!fs.existsSync(manifest)) {
        if (entry.optional) continue; // platform-specific optional packages (esbuild binaries)
        process.exit(1);
      }
      if (JSON.parse(fs.readFileSync(manifest, "utf8")).version !== entry.version) process.exit(1);
    }
  '
}

install_node_modules() {
  command -v node >/dev/null 2>&1 || die "node is not installed: hsec needs Node.js 20.19 or newer"
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || die "Node.js $(node --version) is too old: hsec needs 20.19 or newer (package.json engines)"
  [ -f package-lock.json ] || die "package-lock.json is missing: run from a complete hsec checkout"
  local want
  want="$(lock_hash)"
  if [ -d node_modules ] && [ "$(cat "$STAMP" 2>/dev/null || true)" = "$want" ] && [ -f "$KERBEROS_NODE" ]; then
    return 0
  fi
  # A node_modules that already holds every version package-lock.json names is kept: no needless
  # reinstall (npm ci deletes node_modules first) under other processes that are using it.
  if [ -d node_modules ] && node_modules_match_lock; then
    say "node_modules matches package-lock.json"
  else
    say "installing node modules (npm ci)"
    npm ci --no-audit --no-fund || die "npm ci failed: see the npm output above (the kerberos devDependency needs libkrb5-dev, g++, make and python3)"
  fi
  if [ ! -f "$KERBEROS_NODE" ]; then
    say "building the native kerberos module (npm rebuild kerberos)"
    npm rebuild kerberos --foreground-scripts || true
  fi
  [ -f "$KERBEROS_NODE" ] || die "the kerberos native module did not build ($KERBEROS_NODE missing): check libkrb5-dev, g++, make and python3 are installed, then run \`npm rebuild kerberos\`"
  node -e "require('./node_modules/kerberos')" || die "the kerberos native module does not load: run \`npm rebuild kerberos\`"
  echo "$want" > "$STAMP"
}

# --- checks ---------------------------------------------------------------------------------
check_tools() {
  local missing="" bin
  for bin in krb5kdc kdb5_util kadmin.local kinit klist java javac keyctl kcm; do
    command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || missing="$missing $bin"
  done
  [ -f /usr/share/java/zookeeper.jar ] || missing="$missing zookeeper.jar"
  for bin in $HEIMDAL_PROGRAMS; do
    [ -x "$HEIMDAL_ROOT/$bin" ] || missing="$missing $HEIMDAL_ROOT/$bin"
  done
  [ -z "$missing" ] || die "still missing after set-up:$missing"
}

if [ "${HSEC_SETUP_SKIP_APT:-0}" != "1" ]; then
  install_system_packages
  install_heimdal_tree
fi
install_node_modules
check_tools
# The checkout's bundled `hsec` command (bin/hsec would build it on first use; doing it here keeps
# the first command fast).
node scripts/dev-build.mjs >/dev/null
