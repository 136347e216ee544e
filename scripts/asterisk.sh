#!/usr/bin/env bash
# The Asterisk sandbox Doorman develops and tests against: Asterisk 22 from Debian sid,
# installed into a root folder and run chrooted on 127.0.0.1 with docker/asterisk/*.conf
# (the same configuration the Docker deployment uses). Needs root and Debian's mirror.
#
#   scripts/asterisk.sh install   build the root folder (~1 min the first time; then a no-op)
#   scripts/asterisk.sh start     copy config and prompts in, start, wait until ARI answers
#   scripts/asterisk.sh stop | restart | status | reset | logs [N] | cli 'COMMAND'
#   eval "$(scripts/asterisk.sh env)"   points `doorman call` at this sandbox's folders
#   scripts/asterisk.sh dialplan > docker/asterisk/extensions_doorman.conf
#                                 the Doorman part of the dialplan, as `doorman asterisk-config`
#                                 prints it (a unit test checks the file is up to date)
#
# Settings (environment): ASTERISK_ROOT [/opt/doorman-asterisk], ASTERISK_MIRROR
# [http://deb.debian.org/debian], ASTERISK_START_TIMEOUT [30] seconds.
set -euo pipefail

ROOT=${ASTERISK_ROOT:-/opt/doorman-asterisk}
MIRROR=${ASTERISK_MIRROR:-http://deb.debian.org/debian}
START_TIMEOUT=${ASTERISK_START_TIMEOUT:-30}
PACKAGES="asterisk asterisk-core-sounds-en-wav"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MARKER=$ROOT/etc/doorman-sandbox.installed
PIDFILE=$ROOT/run/doorman-sandbox.pid
LOGDIR=$ROOT/var/log/asterisk
SOUNDS=$ROOT/usr/share/asterisk/sounds  # astdatadir/sounds, where sound:NAME is looked up
# Read from http.conf/ari.conf so the script and Asterisk can never disagree.
ARI_PORT=$(sed -n 's/^bindport *= *//p' "$HERE/docker/asterisk/http.conf")
ARI_URL=http://127.0.0.1:$ARI_PORT

log() { printf '[asterisk] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "'$1' needs root (chroot, apt-get)"; }
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
ast_cli() { in_root /usr/sbin/asterisk -rx "$1"; }

host_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing host packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# A killed bootstrap can leave /proc or /dev mounted inside the folder: never rm through them.
remove_tree() {
  local m
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$1"
}

cmd_install() {
  need_root install
  host_packages mmdebstrap curl
  if [ ! -x "$ROOT/usr/sbin/asterisk" ]; then
    local partial=$ROOT.partial ilog=$ROOT.install.log t0=$SECONDS
    [ -e "$ROOT" ] && remove_tree "$ROOT"
    remove_tree "$partial"
    log "building a Debian sid root with $PACKAGES in $ROOT (about a minute; log: $ilog)"
    # sid's Release file can look expired on a snapshot mirror.
    if ! mmdebstrap --variant=apt --mode=root \
      --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='APT::Install-Recommends "false"' \
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
      --dpkgopt='path-exclude=/usr/share/doc/*' \
      --include="${PACKAGES// /,}" sid "$partial" "$MIRROR" >"$ilog" 2>&1; then
      tail -n 30 "$ilog" >&2
      die "mmdebstrap failed; full log in $ilog"
    fi
    mv "$partial" "$ROOT"
    log "built in $((SECONDS - t0)) s"
  fi
  # The package's sample configs stay aside; start writes ours into a fresh /etc/asterisk.
  if [ ! -d "$ROOT/etc/asterisk.dist" ]; then mv "$ROOT/etc/asterisk" "$ROOT/etc/asterisk.dist"; fi
  if [ ! -f "$MARKER" ]; then
    # shellcheck disable=SC2016 # dpkg-query's own ${...} format
    in_root dpkg-query -W -f='${Package}=${Version}\n' asterisk | paste -sd' ' >"$MARKER"
  fi
  log "installed: $(cat "$MARKER") in $ROOT"
}

write_config() {
  rm -rf "$ROOT/etc/asterisk"
  mkdir -p "$ROOT/etc/asterisk" "$ROOT/run/asterisk" "$LOGDIR" "$ROOT/var/spool/asterisk" "$ROOT/var/cache/asterisk"
  cp "$HERE"/docker/asterisk/*.conf "$ROOT/etc/asterisk/"
  cp "$ROOT/etc/asterisk.dist/indications.conf" "$ROOT/etc/asterisk/"
  make_stir_certs "$ROOT/etc/asterisk/stir"
  # Prompts Doorman plays as sound:doorman/<name>; simulated callers' audio goes to doorman-sim.
  mkdir -p "$SOUNDS/doorman" "$SOUNDS/doorman-sim"
  cp "$HERE"/prompts/*.wav "$SOUNDS/doorman/"
}

# A STIR/SHAKEN chain of trust of the sandbox's own: a CA (stir_shaken.conf's ca_file) and a
# certificate it signed, whose key the tests sign PASSporTs with (served to Asterisk on loopback).
make_stir_certs() {
  local dir=$1
  mkdir -p "$dir"
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=Doorman sandbox STI-CA" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem" 2>/dev/null
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/caller.key" 2>/dev/null
  openssl req -new -key "$dir/caller.key" -subj "/CN=Doorman sandbox SHAKEN caller" -out "$dir/caller.csr" 2>/dev/null
  # TNAuthList (RFC 8226) naming a service provider code, as an STI-CA issues them.
  printf 'basicConstraints=CA:FALSE\n1.3.6.1.5.5.7.1.26=DER:3008a006160444303030\n' >"$dir/caller.ext"
  openssl x509 -req -in "$dir/caller.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -extfile "$dir/caller.ext" -out "$dir/caller.pem" 2>/dev/null
  chmod 644 "$dir"/*.pem "$dir"/*.key
}

our_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid=$(cat "$PIDFILE")
  [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = asterisk ] &&
    [ "$(readlink "/proc/$pid/root")" = "$(readlink -f "$ROOT")" ] && echo "$pid"
}
alive() { [ -d "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
ari_ready() {
  local user pass
  user=$(sed -n 's/^\[\(.*\)\]$/\1/p' "$HERE/docker/asterisk/ari.conf" | grep -v general | head -1)
  pass=$(sed -n 's/^password *= *//p' "$HERE/docker/asterisk/ari.conf" | head -1)
  curl -sf --max-time 2 -o /dev/null -u "$user:$pass" "$ARI_URL/ari/asterisk/info"
}

cmd_start() {
  need_root start
  [ -f "$MARKER" ] || die "not installed; run: $0 install"
  local pid t0
  if pid=$(our_pid); then log "already running (PID $pid)"; return 0; fi
  if curl -s --max-time 2 -o /dev/null "$ARI_URL/"; then die "port $ARI_PORT is already in use by another program"; fi
  write_config
  t0=$SECONDS
  # Its own session, so nothing that ends the caller (a test runner, a CI step) takes Asterisk
  # with it. setsid, chroot and env each exec the next: $! ends up as Asterisk's own PID.
  setsid nohup chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    /usr/sbin/asterisk -f -n >>"$LOGDIR/console.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  until ari_ready; do
    alive "$pid" || die "Asterisk exited during start-up; see $LOGDIR/messages.log and console.log"
    if [ $((SECONDS - t0)) -ge "$START_TIMEOUT" ]; then
      kill "$pid" 2>/dev/null || true
      die "ARI did not answer within $START_TIMEOUT s; see $LOGDIR/messages.log"
    fi
    sleep 0.05
  done
  ast_cli 'core waitfullybooted' >/dev/null
  log "$(cat "$MARKER") running (PID $pid), ARI at $ARI_URL"
}

cmd_stop() {
  need_root stop
  local pid
  if ! pid=$(our_pid); then log "not running"; rm -f "$PIDFILE"; return 0; fi
  ast_cli 'core stop now' >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$PIDFILE"
  log "stopped (PID $pid)"
}

cmd_status() {
  if [ -f "$MARKER" ]; then echo "installed: $(cat "$MARKER") in $ROOT"; else echo "installed: no ($ROOT)"; fi
  local pid
  if pid=$(our_pid); then
    echo "running: PID $pid, ARI $ARI_URL"
    ast_cli 'core show channels count' | sed 's/^/  /'
  else
    echo "running: no"
    return 3
  fi
}

# What `doorman asterisk-config` prints for an existing PBX, with the sandbox's own contexts and
# its test destinations as the fallback and the outbound dial; a developer's DOORMAN_* settings
# must not change it.
cmd_dialplan() {
  local args=(asterisk-config --dialplan-only --inbound-context from-pstn
    --fallback 'doorman-destinations,fallback,1' --outbound-context outbound-protected
    --dial 'Goto(outbound-dial,${EXTEN},1)' --features-context doorman-features --second-app doorman-b)
  echo "; Generated by scripts/asterisk.sh dialplan: doorman ${args[*]}"
  echo "; Do not edit: change src/telephony/dialplan.ts and regenerate."
  echo
  (cd "$HERE" && env -i PATH="$PATH" HOME="${HOME:-/root}" node --import tsx src/cli/main.ts "${args[@]}")
}

cmd_reset() {
  our_pid >/dev/null || die "not running"
  ast_cli 'channel request hangup all' >/dev/null || true
  log "hung up all channels"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  cli) shift; our_pid >/dev/null || die "not running"; ast_cli "$*" ;;
  logs) tail -n "${2:-50}" "$LOGDIR/messages.log" ;;
  dialplan) cmd_dialplan ;;
  env) echo "export DOORMAN_SIMULATOR_SOUNDS_DIR='$SOUNDS/doorman-sim' DOORMAN_SANDBOX_STIR_DIR='$ROOT/etc/asterisk/stir'" ;;
  *) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 2 ;;
esac
