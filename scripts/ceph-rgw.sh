#!/usr/bin/env bash
# ceph-rgw.sh — throwaway single-node Ceph RGW (S3-compatible server) on
# 127.0.0.1 for tests and CI. Install the packages first with
# scripts/ceph-install.sh (Debian 12: Ceph 16.2 "Pacific").
#
# Usage:
#   scripts/ceph-rgw.sh start [DIR]   # fresh cluster in DIR; prints the env
#   scripts/ceph-rgw.sh stop  [DIR]   # kill the recorded PIDs, remove DIR
#
#   DIR defaults to ${TMPDIR:-/tmp}/sigv4-ceph. `start` first stops a cluster
#   still recorded in DIR (so running it twice is safe), wipes DIR, builds
#   mon + osd (memstore: data in RAM) + radosgw, creates an S3 user, and
#   returns once a SigV4-signed request to RGW succeeds (~2 s on 2 cores;
#   gives up after CEPH_START_TIMEOUT s, prints the daemon logs, stops what
#   it started and exits 1). It writes DIR/env and prints the same lines on
#   stdout (progress goes to stderr), so either of these works:
#       eval "$(scripts/ceph-rgw.sh start)"
#       scripts/ceph-rgw.sh start >/dev/null && . "${TMPDIR:-/tmp}/sigv4-ceph/env"
#   DIR/env (shell-sourceable, and valid dotenv):
#       CEPH_RGW_ENDPOINT=http://127.0.0.1:7480
#       CEPH_RGW_ACCESS_KEY=SIGV4CEPHTESTACCESS1
#       CEPH_RGW_SECRET_KEY=sigv4CephTestSecretKey0000000000000000001
#       CEPH_RGW_REGION=default
#       CEPH_DIR=/tmp/sigv4-ceph  CEPH_CONF=/tmp/sigv4-ceph/ceph.conf
#       CEPH_MON_PORT=6789  CEPH_RGW_PORT=7480  CEPH_PIDS="<mon> <osd> <rgw>"
#
# Environment overrides (all optional):
#   CEPH_RGW_PORT  default 7480; if not set and 7480 is busy, a free port is used
#   CEPH_MON_PORT  default 6789; same rule
#   CEPH_RGW_ACCESS_KEY / CEPH_RGW_SECRET_KEY   fixed test keys by default
#   CEPH_MEMSTORE_BYTES  default 536870912 (512 MiB of RAM for all objects)
#   CEPH_START_TIMEOUT   bound in seconds on all of start's waits, default 90
#
# Notes:
# - Region: CEPH_RGW_REGION is the zonegroup's api_name ("default"). RGW
#   builds the signing key from whatever region the credential scope names,
#   so presigned URLs signed for "us-east-1" or any other string work too.
#   Only CreateBucket's LocationConstraint is checked: it must be absent or
#   "default" (anything else: 400 InvalidLocationConstraint).
# - Browser uploads need PutBucketCors on the bucket: without it RGW answers
#   the OPTIONS preflight with 403; with it, preflight and responses carry
#   the Access-Control-* headers.
# - Header-signed requests must carry x-amz-content-sha256 (curl's
#   --aws-sigv4 does not add it; pass it with -H). Presigned URLs don't.
# - Daemons run with -f in the background, so their PIDs are known; `stop`
#   kills exactly those PIDs, newest first (SIGTERM, SIGKILL after 10 s),
#   never by name, and checks each PID still runs with DIR's config first.
# - All data is in RAM and lost on stop. When memstore nears full, the OSD
#   stops taking writes and requests hang: raise CEPH_MEMSTORE_BYTES for big
#   tests. RAM ~140 MB RSS idle; disk ~40 MB in DIR (mon store).
# - Lifecycle threads are off (rules can be stored, but never run), which
#   keeps RGW's shutdown under a second. No ceph-mgr runs (not needed).
# - Several clusters can run at once in different DIRs (ports are picked);
#   the OSD listens on some ports in 6800-7300. Don't run start/stop on the
#   same DIR concurrently.
# - Nothing is read from or written to /etc/ceph or /var/lib/ceph. Needs no
#   kernel modules, block devices or privileges; needs node and curl.
set -euo pipefail

die() { echo "ceph-rgw: $*" >&2; exit 1; }
say() { echo "ceph-rgw: $*" >&2; }

DEFAULT_DIR="${TMPDIR:-/tmp}/sigv4-ceph"
MARKER=".sigv4-ceph-rgw"

now_ms() { date +%s%3N; }

# canon_dir DIR -> absolute path with symlinks resolved (DIR need not exist),
# so that start and stop agree on the config path daemons were started with.
canon_dir() {
  local d
  d=$(realpath -m -- "$1") || die "bad DIR '$1'"
  [ "$d" != "/" ] || die "refusing to use '/' as DIR"
  echo "$d"
}

# pid_alive PID -> true if PID exists and is not a zombie.
pid_alive() {
  local pid=$1 state
  [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != "Z" ] && [ "$state" != "X" ]
}

# pid_is_ours PID CONF -> true if PID is alive and was started with our config.
pid_is_ours() {
  local pid=$1 conf=$2
  pid_alive "$pid" || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$conf"
}

# kill_pids CONF PID... : SIGTERM, wait up to 10 s, then SIGKILL, wait again.
kill_pids() {
  local conf=$1; shift
  local pid live=() i
  for pid in "$@"; do
    if pid_is_ours "$pid" "$conf"; then live+=("$pid"); fi
  done
  [ "${#live[@]}" -gt 0 ] || return 0
  kill -TERM "${live[@]}" 2>/dev/null || true
  for i in $(seq 1 100); do
    local still=()
    for pid in "${live[@]}"; do pid_alive "$pid" && still+=("$pid"); done
    [ "${#still[@]}" -eq 0 ] && return 0
    if [ "$i" -eq 100 ]; then
      say "SIGKILL ${still[*]} (did not exit on SIGTERM)"
      kill -KILL "${still[@]}" 2>/dev/null || true
      local j
      for j in $(seq 1 50); do
        local left=()
        for pid in "${still[@]}"; do pid_alive "$pid" && left+=("$pid"); done
        [ "${#left[@]}" -eq 0 ] && return 0
        sleep 0.1
      done
      say "PIDs still alive after SIGKILL: ${left[*]}"
      return 1
    fi
    sleep 0.1
  done
}

# Stop whatever is recorded in DIR (DIR/pids is appended to as daemons start,
# so a half-finished start is cleaned up too).
stop_dir() {
  local dir=$1 pids=()
  [ -d "$dir" ] || return 0
  if [ -f "$dir/pids" ]; then
    read -r -a pids < <(tr '\n' ' ' <"$dir/pids"; echo)
  fi
  # Reverse start order (rgw, osd, mon): each daemon shuts down cleanly
  # while the ones it talks to are still up, which keeps this fast.
  local i rc=0
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    kill_pids "$dir/ceph.conf" "${pids[i]}" || rc=1
  done
  return $rc
}

# Refuse to wipe a directory this script did not create.
check_wipeable() {
  local dir=$1
  [ -e "$dir" ] || return 0
  [ -d "$dir" ] || die "$dir exists and is not a directory"
  if [ -f "$dir/$MARKER" ] || [ -z "$(ls -A "$dir")" ]; then return 0; fi
  die "$dir is not empty and was not created by ceph-rgw.sh; refusing to remove it"
}

port_free() {
  node -e '
    const s = require("net").createServer();
    s.once("error", () => process.exit(1));
    s.listen({ port: +process.argv[1], host: "127.0.0.1", exclusive: true }, () => s.close(() => process.exit(0)));
  ' "$1" 2>/dev/null
}

free_port() {
  node -e '
    const s = require("net").createServer();
    s.listen({ port: 0, host: "127.0.0.1", exclusive: true }, () => { const p = s.address().port; s.close(() => console.log(p)); });
  '
}

# pick_port EXPLICIT DEFAULT NAME
pick_port() {
  local explicit=$1 def=$2 name=$3
  if [ -n "$explicit" ]; then
    port_free "$explicit" || die "$name port $explicit (from the environment) is already in use"
    echo "$explicit"
  elif port_free "$def"; then
    echo "$def"
  else
    local p; p=$(free_port)
    say "$name port $def is busy, using $p"
    echo "$p"
  fi
}

cmd_start() {
  local dir=${1:-$DEFAULT_DIR}
  local t0; t0=$(now_ms)
  for b in ceph ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool curl node; do
    command -v "$b" >/dev/null 2>&1 || die "'$b' not found; run scripts/ceph-install.sh first"
  done
  dir=$(canon_dir "$dir")

  check_wipeable "$dir"
  stop_dir "$dir" || die "could not stop the cluster already recorded in $dir"
  local rgw_port mon_port
  mon_port=$(pick_port "${CEPH_MON_PORT:-}" 6789 mon)
  rgw_port=$(pick_port "${CEPH_RGW_PORT:-}" 7480 rgw)
  [ "$mon_port" != "$rgw_port" ] || die "mon and rgw ports must differ"
  rm -rf "$dir"
  mkdir -p "$dir/mon.a" "$dir/osd.0" "$dir/rgw.a" "$dir/run" "$dir/log"
  touch "$dir/$MARKER" "$dir/pids"
  local access=${CEPH_RGW_ACCESS_KEY:-SIGV4CEPHTESTACCESS1}
  local secret=${CEPH_RGW_SECRET_KEY:-sigv4CephTestSecretKey0000000000000000001}
  local mem_bytes=${CEPH_MEMSTORE_BYTES:-536870912}
  local timeout=${CEPH_START_TIMEOUT:-90}
  local conf="$dir/ceph.conf"
  local fsid; fsid=$(cat /proc/sys/kernel/random/uuid)
  local osd_uuid; osd_uuid=$(cat /proc/sys/kernel/random/uuid)

  cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
log to stderr = false
err to stderr = true
crash dir = $dir/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon data avail crit = 0
mon data avail warn = 0
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
paxos propose interval = 0.05
paxos min wait = 0.01

[mon]
mon data = $dir/mon.\$id

[osd]
osd data = $dir/osd.\$id
osd objectstore = memstore
memstore device bytes = $mem_bytes
osd crush initial weight = 1

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw.\$id
rgw thread pool size = 64
rgw enable usage log = false
rgw enable lc threads = false
EOF

  local pids=()
  dump_logs() {
    local f
    for f in "$dir"/log/*; do
      [ -s "$f" ] || continue
      echo "----- $f (last 40 lines) -----" >&2
      tail -n 40 "$f" >&2
    done
  }
  fail() {
    say "FAILED: $*"
    dump_logs
    stop_dir "$dir" || true
    say "daemons stopped; logs kept in $dir/log"
    exit 1
  }
  trap 'fail "interrupted"' INT TERM
  # run STEP CMD... : run a setup command, its output goes to DIR/log/setup.log
  run() {
    local step=$1; shift
    echo "+ $*" >>"$dir/log/setup.log"
    "$@" >>"$dir/log/setup.log" 2>&1 || fail "$step (exit $?): $*"
  }
  # spawn NAME BIN ARGS... : start a daemon in the foreground, in the background
  spawn() {
    local name=$1; shift
    "$@" </dev/null >>"$dir/log/$name.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    echo "$pid" >>"$dir/pids"
  }
  local CEPH=(timeout 30 ceph -c "$conf" --connect-timeout 5)
  # One deadline bounds every wait below (CEPH_START_TIMEOUT, default 90 s).
  local deadline=$(( $(date +%s) + timeout ))
  before_deadline() { [ "$(date +%s)" -lt "$deadline" ]; }

  # --- monitor ---
  run keyring ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *'
  run keyring ceph-authtool "$dir/keyring" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *'
  run monmap monmaptool --create --fsid "$fsid" --addv a "[v1:127.0.0.1:$mon_port]" "$dir/monmap"
  run mon-mkfs ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
  spawn mon.a ceph-mon -c "$conf" -f -i a
  local mon_pid=${pids[-1]}
  local ok=""
  while before_deadline; do
    pid_alive "$mon_pid" || fail "ceph-mon exited"
    if "${CEPH[@]}" mon stat >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.2
  done
  [ -n "$ok" ] || fail "monitor did not answer within ${timeout}s"
  say "mon up after $(( ($(now_ms) - t0) )) ms (port $mon_port)"

  # --- osd (memstore: data lives in RAM) ---
  local osd_id
  osd_id=$("${CEPH[@]}" osd new "$osd_uuid" 2>>"$dir/log/setup.log") || fail "ceph osd new"
  [ "$osd_id" = "0" ] || fail "unexpected osd id '$osd_id'"
  run osd-mkfs ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid"
  spawn osd.0 ceph-osd -c "$conf" -f -i 0
  local osd_pid=${pids[-1]} osd_starts=1
  ok=""
  while before_deadline; do
    if ! pid_alive "$osd_pid"; then
      # Ceph 16 races here: now and then the OSD's first command to the monitor leaves before the
      # monitor map it got, so it carries a zero fsid and is refused ('wrong fsid'; measured 2 in
      # 12 starts on 2 cores). The store is intact, so starting the OSD again is the fix.
      if [ "$osd_starts" -lt 3 ] && grep -q "wrong fsid" "$dir/log/osd.0.log" 2>/dev/null; then
        say "ceph-osd refused with 'wrong fsid' (a start-up race in Ceph); starting it again"
        osd_starts=$((osd_starts + 1))
        spawn osd.0 ceph-osd -c "$conf" -f -i 0
        osd_pid=${pids[-1]}
        continue
      fi
      fail "ceph-osd exited"
    fi
    if "${CEPH[@]}" osd dump 2>/dev/null | grep -q '^osd\.0 up '; then ok=1; break; fi
    sleep 0.2
  done
  [ -n "$ok" ] || fail "osd.0 did not come up within ${timeout}s"
  say "osd up after $(( ($(now_ms) - t0) )) ms"

  # --- radosgw ---
  spawn rgw.a radosgw -c "$conf" -f -n client.rgw.a
  local rgw_pid=${pids[-1]}
  local endpoint="http://127.0.0.1:$rgw_port"
  ok=""
  while before_deadline; do
    pid_alive "$rgw_pid" || fail "radosgw exited"
    local code
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$endpoint/" 2>/dev/null) || code=000
    if [ "$code" = "200" ]; then ok=1; break; fi
    sleep 0.2
  done
  [ -n "$ok" ] || fail "radosgw did not answer HTTP on $endpoint within ${timeout}s"
  say "rgw answering after $(( ($(now_ms) - t0) )) ms"

  # --- S3 user ---
  run user-create timeout 60 radosgw-admin -c "$conf" user create --uid=test --display-name="sigv4 test" \
    --access-key="$access" --secret="$secret"
  # Prove the keys work: a SigV4-signed ListBuckets must return 200.
  local code
  # (curl does not send x-amz-content-sha256 itself, and RGW requires it.)
  code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$access:$secret" \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "$endpoint/" 2>>"$dir/log/setup.log") || code=000
  [ "$code" = "200" ] || fail "signed ListBuckets returned HTTP $code"

  trap - INT TERM
  local zonegroup
  zonegroup=$(timeout 30 radosgw-admin -c "$conf" zonegroup get 2>/dev/null \
    | sed -n 's/^ *"api_name": "\(.*\)",*$/\1/p' | head -n1)
  [ -n "$zonegroup" ] || zonegroup=default
  cat >"$dir/env" <<EOF
CEPH_RGW_ENDPOINT=$endpoint
CEPH_RGW_ACCESS_KEY=$access
CEPH_RGW_SECRET_KEY=$secret
CEPH_RGW_REGION=$zonegroup
CEPH_DIR=$dir
CEPH_CONF=$conf
CEPH_MON_PORT=$mon_port
CEPH_RGW_PORT=$rgw_port
CEPH_PIDS="${pids[*]}"
EOF
  say "ready in $(( ($(now_ms) - t0) )) ms; env in $dir/env; stop with: $0 stop $dir"
  cat "$dir/env"
}

cmd_stop() {
  local dir=${1:-$DEFAULT_DIR}
  dir=$(canon_dir "$dir")
  [ -e "$dir" ] || { say "nothing to stop in $dir"; return 0; }
  [ -f "$dir/$MARKER" ] || die "$dir was not created by ceph-rgw.sh; not touching it"
  stop_dir "$dir" || die "could not stop every daemon recorded in $dir/pids"
  rm -rf "$dir"
  say "stopped; removed $dir"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
