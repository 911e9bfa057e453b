#!/usr/bin/env bash
# ceph-install.sh — install the Debian packages for a single-node Ceph RGW
# (S3-compatible server) used by tests and CI. See scripts/ceph-rgw.sh.
#
# Usage:  bash scripts/ceph-install.sh        (as root, or with sudo available)
#
# Idempotent: does nothing when the needed binaries are already on PATH.
# Runs `apt-get update` only when the package lists are missing/stale for
# these packages. Quiet on success; prints apt's output and exits non-zero on
# failure. Debian 12 ships Ceph 16.2 (Pacific).
set -euo pipefail

BINS=(radosgw radosgw-admin ceph ceph-mon ceph-osd ceph-authtool monmaptool curl)
PKGS=(radosgw ceph-mon ceph-osd ceph-common curl)

missing=()
for b in "${BINS[@]}"; do
  command -v "$b" >/dev/null 2>&1 || missing+=("$b")
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ceph-install: need root or sudo (missing: ${missing[*]})" >&2; exit 1; }
  SUDO="sudo"
fi

log=$(mktemp -t ceph-install.XXXXXX.log)
trap 'rm -f "$log"' EXIT
run() {
  if ! "$@" >>"$log" 2>&1; then
    echo "ceph-install: command failed: $*" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
}

export DEBIAN_FRONTEND=noninteractive
install() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PKGS[@]}" >>"$log" 2>&1
}
# Refresh package lists only if apt does not know the packages yet, or if the
# install fails with the lists we have (stale lists give 404s on download).
updated=""
for p in "${PKGS[@]}"; do
  if ! apt-cache show "$p" >/dev/null 2>&1; then
    run $SUDO apt-get update -qq
    updated=1
    break
  fi
done
if ! install; then
  [ -z "$updated" ] || { echo "ceph-install: apt-get install failed" >&2; tail -n 60 "$log" >&2; exit 1; }
  run $SUDO apt-get update -qq
  run install
fi

for b in "${BINS[@]}"; do
  command -v "$b" >/dev/null 2>&1 || { echo "ceph-install: '$b' still missing after install" >&2; exit 1; }
done
echo "ceph-install: installed $(ceph --version 2>/dev/null | awk '{print $1,$2,$3}')"
