#!/usr/bin/env bash
# go-toolchain.sh <version>
#
# Prints a GOROOT whose bin/go works, for a Go toolchain taken from Debian's
# packages (never installed system-wide; see scripts/fetch-deb.sh):
#   1.19        bookworm            golang-1.19-go + golang-1.19-src
#   1.22, 1.23  bookworm-backports  golang-1.2x-go + golang-1.2x-src
#   1.24        trixie              golang-1.24-go + golang-1.24-src
#   1.26, 1.27  sid                 golang-1.2x-go + golang-1.2x-src
# The GOROOT is <repo>/.cache/root/<suite>/usr/lib/go-<version>. Debian's
# GOROOT links src/, api/, lib/, misc/, test/ to ../../share/go-<version>/
# with relative symlinks, which stay valid inside the extraction root; this
# script checks that and that `go env GOROOT` points back at the GOROOT.
# Set GO_TOOLCHAIN_SUITE to override the suite.
set -euo pipefail

log() { printf 'go-toolchain: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 <version>   (1.19 1.22 1.23 1.24 1.26 1.27)" >&2; exit 2; }
ver=${1#go}
here=$(cd "$(dirname "$0")" && pwd)

case $ver in
  1.19) suite=bookworm ;;
  1.22|1.23) suite=bookworm-backports ;;
  1.24) suite=trixie ;;
  1.26|1.27) suite=sid ;;
  *) [ -n "${GO_TOOLCHAIN_SUITE:-}" ] || die "unknown Go version '$ver' (set GO_TOOLCHAIN_SUITE to try anyway)" ;;
esac
suite=${GO_TOOLCHAIN_SUITE:-$suite}

root=$("$here/fetch-deb.sh" "$suite" "golang-$ver-go" "golang-$ver-src")
goroot=$root/usr/lib/go-$ver

[ -x "$goroot/bin/go" ] || die "$goroot/bin/go missing"
# src may be a symlink into usr/share/go-$ver; make sure it resolves
if [ ! -f "$goroot/src/runtime/runtime.go" ]; then
  share=$root/usr/share/go-$ver
  if [ -d "$share/src" ]; then
    log "fixing src link in $goroot"
    rm -rf "$goroot/src"
    ln -s "../../share/go-$ver/src" "$goroot/src"
  fi
  [ -f "$goroot/src/runtime/runtime.go" ] || die "$goroot/src is not usable"
fi
for d in api lib misc test; do
  if [ -L "$goroot/$d" ] && [ ! -e "$goroot/$d" ]; then
    log "dropping dangling link $goroot/$d"; rm -f "$goroot/$d"
  fi
done

got=$(env -u GOROOT GOTOOLCHAIN=local GOFLAGS= "$goroot/bin/go" env GOROOT)
if [ "$(cd "$got" && pwd -P)" != "$(cd "$goroot" && pwd -P)" ]; then
  die "go env GOROOT says '$got', expected '$goroot'"
fi
printf '%s\n' "$goroot"
