#!/usr/bin/env bash
# fetch-deb.sh <suite> <package>...
#
# Downloads Debian packages of <suite> (bookworm, bookworm-backports, trixie,
# sid, ...) with a private apt configuration (never touches /etc/apt or the
# system's package state), unpacks each with `dpkg -x` into
# <repo>/.cache/root/<suite>/ and prints that extraction root on stdout.
#
# Caches (all under <repo>/.cache/):
#   apt/<suite>/{sources.list,lists,cache}  private apt state; `apt-get update`
#                                           re-runs when lists are missing or
#                                           older than a day
#   debs/                                   downloaded .deb files
#   root/<suite>/                           extraction root
#   root/<suite>/.extracted/<deb file>      marker: that .deb is unpacked
#
# Packages may be given as name or name=version. Dependencies are NOT
# resolved: name every package you need. Log goes to stderr.
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian),
#              ELFKIT_CACHE (default <repo>/.cache),
#              FETCH_DEB_PRINT_APT_OPTS=1: print the private apt options, one
#              per line, and exit (for `apt-cache policy` look-ups by hand:
#              mapfile -t o < <(FETCH_DEB_PRINT_APT_OPTS=1 fetch-deb.sh sid x);
#              apt-cache "${o[@]}" policy golang-1.27-go).
set -euo pipefail

log() { printf 'fetch-deb: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -ge 2 ] || { echo "usage: $0 <suite> <package>..." >&2; exit 2; }
suite=$1; shift
case $suite in
  */*|.*|"") die "bad suite name '$suite'" ;;
esac

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${ELFKIT_CACHE:-$repo/.cache}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
arch=$(dpkg --print-architecture)

aptdir=$cache/apt/$suite
debdir=$cache/debs
root=$cache/root/$suite
mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$debdir" "$root/.extracted"

# The system keyring covers bookworm and trixie; newer suites (sid/forky) may
# be signed with keys it does not have yet. We try the keyring first and fall
# back to trusted=yes only if the signature cannot be checked.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
write_sources() { # $1 = option list inside [ ]
  {
    echo "deb [$1] $mirror $suite main"
  } >"$aptdir/sources.list"
}

apt_opts=(
  -o "Dir::Etc::SourceList=$aptdir/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=/dev/null"
  -o "Dir::State::Lists=$aptdir/lists"
  -o "Dir::State::extended_states=$aptdir/extended_states"
  -o "Dir::Cache=$aptdir/cache"
  -o "Dir::Cache::pkgcache=$aptdir/cache/pkgcache.bin"
  -o "Dir::Cache::srcpkgcache=$aptdir/cache/srcpkgcache.bin"
  -o "Debug::NoLocking=1"
  -o "APT::Architectures::=$arch"
  -o "APT::Sandbox::User=$(id -un)"
  -o "Acquire::Languages=none"
  -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
  -q=2
)
apt_private() { apt-get "${apt_opts[@]}" "$@"; }
if [ "${FETCH_DEB_PRINT_APT_OPTS:-}" = 1 ]; then printf '%s\n' "${apt_opts[@]}"; exit 0; fi

lists_fresh() {
  local stamp=$aptdir/lists/.updated
  [ -f "$stamp" ] || return 1
  ls "$aptdir"/lists/*_Packages* >/dev/null 2>&1 || return 1
  [ -z "$(find "$stamp" -mmin +1440 2>/dev/null)" ]
}

if ! lists_fresh; then
  log "apt-get update ($suite)"
  write_sources "arch=$arch signed-by=$keyring"
  if ! out=$(apt_private update 2>&1) || grep -qE '^(W|E): (GPG|The repository|Failed|Some index)' <<<"$out"; then
    if grep -qiE 'NO_PUBKEY|signature|not signed|GPG' <<<"$out"; then
      log "signature of $suite not verifiable with $keyring; using trusted=yes"
      write_sources "arch=$arch trusted=yes"
      out=$(apt_private update 2>&1) || { printf '%s\n' "$out" >&2; die "apt-get update failed for $suite"; }
    else
      printf '%s\n' "$out" >&2
      die "apt-get update failed for $suite"
    fi
  fi
  ls "$aptdir"/lists/*_Packages* >/dev/null 2>&1 || die "no Packages index for $suite (does the suite exist?)"
  touch "$aptdir/lists/.updated"
fi

for spec in "$@"; do
  name=${spec%%=*}
  if [ "$name" != "$spec" ]; then ver=${spec#*=}; else
    ver=$(apt-cache "${apt_opts[@]}" policy "$name" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || die "package '$name' not found in $suite"
  fi
  # Debian file names encode the epoch colon as %3a
  pkgarch=$(apt-cache "${apt_opts[@]}" show "$name=$ver" 2>/dev/null | awk '/^Architecture:/ {print $2; exit}')
  [ -n "$pkgarch" ] || die "package '$name=$ver' not found in $suite"
  deb="${name}_${ver//:/%3a}_${pkgarch}.deb"
  if [ ! -s "$debdir/$deb" ]; then
    log "download $name=$ver ($suite)"
    (cd "$debdir" && apt_private download "$name=$ver" >&2) || die "download of $name=$ver failed"
    [ -s "$debdir/$deb" ] || die "expected $debdir/$deb after download"
  fi
  if [ ! -e "$root/.extracted/$deb" ]; then
    log "extract $deb -> $root"
    dpkg -x "$debdir/$deb" "$root" || die "dpkg -x $deb failed"
    : >"$root/.extracted/$deb"
  fi
done

printf '%s\n' "$root"
