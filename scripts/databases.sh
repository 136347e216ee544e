#!/usr/bin/env bash
# Makes sure a PostgreSQL and a MariaDB server answer on loopback for the store tests.
# Development and CI machines run both (127.0.0.1:5432, trust auth; 127.0.0.1:3306, root with
# no password); where one does not answer, a throwaway server is started from Debian's
# packages in /tmp (installed first if missing). Prints the exports the tests read.
#
#   eval "$(scripts/databases.sh ensure)"
#   scripts/databases.sh stop     stops the throwaway servers this script started
set -euo pipefail

PG_PORT=5432
MY_PORT=3306
PG_DIR=/tmp/doorman-pg
MY_DIR=/tmp/doorman-mariadb
log() { printf '[databases] %s\n' "$*" >&2; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 100); do answers "$1" && return 0; sleep 0.1; done; return 1; }

apt_install() {
  log "installing $*"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

ensure_postgres() {
  if answers $PG_PORT; then return 0; fi
  # The machine's own cluster, stopped: start it.
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "starting the machine's PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    wait_port $PG_PORT && return 0
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$bin" ] || { apt_install postgresql; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); }
  log "starting a throwaway PostgreSQL in $PG_DIR"
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown postgres "$PG_DIR" 2>/dev/null || true
  su postgres -s /bin/sh -c "$bin/initdb -D $PG_DIR/data -A trust -U postgres >/dev/null"
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -o '-h 127.0.0.1 -p $PG_PORT -k $PG_DIR' start >/dev/null"
  wait_port $PG_PORT || { log "PostgreSQL did not start; see $PG_DIR/log"; exit 1; }
  su postgres -s /bin/sh -c "$bin/createdb -h 127.0.0.1 -p $PG_PORT -U postgres test"
}

ensure_mariadb() {
  if answers $MY_PORT; then return 0; fi
  command -v mariadbd >/dev/null || apt_install mariadb-server
  log "starting a throwaway MariaDB in $MY_DIR"
  rm -rf "$MY_DIR" && mkdir -p "$MY_DIR"
  mariadb-install-db --no-defaults --datadir="$MY_DIR/data" --user=root --auth-root-authentication-method=normal >/dev/null
  setsid mariadbd --no-defaults --datadir="$MY_DIR/data" --user=root --bind-address=127.0.0.1 --port=$MY_PORT \
    --socket="$MY_DIR/sock" --pid-file="$MY_DIR/pid" >"$MY_DIR/log" 2>&1 </dev/null &
  wait_port $MY_PORT || { log "MariaDB did not start; see $MY_DIR/log"; exit 1; }
  mariadb --no-defaults -h 127.0.0.1 -P $MY_PORT -u root -e 'create database if not exists test'
}

case "${1:-}" in
  ensure)
    ensure_postgres
    ensure_mariadb
    echo "export DOORMAN_TEST_PG_URL='postgres://postgres@127.0.0.1:$PG_PORT/test'"
    echo "export DOORMAN_TEST_MYSQL_URL='mysql://root@127.0.0.1:$MY_PORT/test'"
    ;;
  stop)
    [ -f "$PG_DIR/data/postmaster.pid" ] && su postgres -s /bin/sh -c "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl -D $PG_DIR/data stop" >/dev/null || true
    [ -f "$MY_DIR/pid" ] && kill "$(cat "$MY_DIR/pid")" 2>/dev/null || true
    ;;
  *) sed -n '2,/^set/{/^set/d;s/^# \{0,1\}//;p}' "$0"; exit 2 ;;
esac
