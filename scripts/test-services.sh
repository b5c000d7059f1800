#!/usr/bin/env bash
# The services `make test` needs: PostgreSQL, Redis, Debian's Chromium. Used by `make test` and
# by `.ci/run` (one script, one behaviour). For each service, in this order:
#   1. it answers at its URL              -> reuse it (nothing started, nothing changed);
#   2. the system's PostgreSQL cluster on that port is stopped and we are root
#                                         -> start it (pg_ctlcluster, what CI always did);
#   3. its binaries are installed          -> start a private one in $SERVICES_DIR (.services/),
#                                            on the URL's port, stopped by `make services-stop`;
#   4. `docker compose` and an engine      -> start it from scripts/test-services.compose.yml;
#   5. otherwise                           -> say exactly what to install, exit 2.
# Chromium: /usr/bin/chromium (or $CHROMIUM_PATH); installed with apt-get when we may install
# packages (root, or sudo without password); otherwise the command to type is printed.
#
# Usage: scripts/test-services.sh [start|stop]
# Environment: TEST_DATABASE_URL, TEST_REDIS_URL (defaults as in the Makefile), SERVICES_DIR,
# SERVICES (subset of "postgres redis chromium"), CHROMIUM_PATH, PG_BIN_DIRS (where to look for
# initdb/pg_ctl when not on PATH; default Debian's /usr/lib/postgresql/*/bin).
set -uo pipefail
cd "$(dirname "$0")/.."

TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mds_test}
TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
SERVICES_DIR=${SERVICES_DIR:-$PWD/.services}
SERVICES=${SERVICES:-postgres redis chromium}
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
COMPOSE_FILE=scripts/test-services.compose.yml
MISSING=()

say() { printf '%s\n' "$*"; }
wants() { [[ " $SERVICES " == *" $1 "* ]]; }

# host and port of a URL: scheme://[user[:pw]@]host[:port]/...
url_host() { local rest=${1#*://}; rest=${rest%%/*}; rest=${rest##*@}; printf '%s' "${rest%%:*}"; }
url_port() {
  local rest=${1#*://}; rest=${rest%%/*}; rest=${rest##*@}
  if [[ $rest == *:* ]]; then printf '%s' "${rest##*:}"; else printf '%s' "$2"; fi
}
answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
wait_for() { for _ in $(seq 1 60); do answers "$1" "$2" && return 0; sleep 0.5; done; return 1; }
is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
can_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  [[ $(id -u) == 0 ]] && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null
}
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo -n "$@"; fi; }
has_compose() {
  command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 \
    && docker info >/dev/null 2>&1
}
pg_bin() {  # a PostgreSQL server binary: on PATH, else Debian's versioned folder
  command -v "$1" 2>/dev/null && return 0
  local found
  # shellcheck disable=SC2086  # the glob is meant to expand
  found=$(ls -d ${PG_BIN_DIRS:-/usr/lib/postgresql/*/bin}/"$1" 2>/dev/null | sort -V | tail -1)
  [[ -n $found ]] && printf '%s\n' "$found"
}

start_postgres() {
  local host port
  host=$(url_host "$TEST_DATABASE_URL"); port=$(url_port "$TEST_DATABASE_URL" 5432)
  if answers "$host" "$port"; then say "PostgreSQL répond ($host:$port)."; return 0; fi
  if ! is_local "$host"; then
    MISSING+=("PostgreSQL injoignable à $host:$port (hôte distant : démarrez-le là-bas)"); return 1
  fi
  # 2. the system cluster that listens on this port (CI: root on Debian)
  if [[ $(id -u) == 0 ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    local conf
    for conf in /etc/postgresql/*/main/postgresql.conf; do
      [[ -f $conf ]] || continue
      if grep -Eq "^[[:space:]]*port[[:space:]]*=[[:space:]]*$port\b" "$conf"; then
        say "PostgreSQL ne répond pas : démarrage du cluster du système."
        pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$(dirname "$conf")")")" \
          main start && wait_for "$host" "$port" && return 0
      fi
    done
  fi
  # 3. a private cluster in $SERVICES_DIR (initdb refuses root: run it as "postgres" then)
  local initdb pg_ctl
  initdb=$(pg_bin initdb); pg_ctl=$(pg_bin pg_ctl)
  if [[ -n $initdb && -n $pg_ctl ]]; then
    local data="$SERVICES_DIR/postgres" run=()
    if [[ $(id -u) == 0 ]]; then
      if id postgres >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1; then
        run=(runuser -u postgres --)
      else
        run=(false)
      fi
    fi
    mkdir -p "$data"
    [[ $(id -u) == 0 ]] && chown postgres "$data" 2>/dev/null && chmod 700 "$data"
    if [[ ! -f $data/PG_VERSION ]]; then
      say "PostgreSQL ne répond pas : création d'un serveur privé dans $data."
      "${run[@]}" "$initdb" -D "$data" -U postgres -A trust -E UTF8 --no-sync >"$SERVICES_DIR/postgres-init.log" 2>&1 \
        || say "  initdb a échoué (voir $SERVICES_DIR/postgres-init.log)."
    fi
    if [[ -f $data/PG_VERSION ]]; then
      say "Démarrage de PostgreSQL privé sur $host:$port ($data)."
      "${run[@]}" "$pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $data -c fsync=off" start >/dev/null \
        && wait_for "$host" "$port" && return 0
    fi
  fi
  # 4. docker compose
  if has_compose; then
    say "PostgreSQL ne répond pas : démarrage par docker compose ($COMPOSE_FILE)."
    PG_PORT=$port docker compose -f "$COMPOSE_FILE" up -d postgres && wait_for "$host" "$port" \
      && sleep 2 && return 0
  fi
  MISSING+=("PostgreSQL (≥ 15) à $host:$port : sudo apt-get install postgresql (ou Docker avec « docker compose »), ou indiquez TEST_DATABASE_URL=postgres://…")
  return 1
}

start_redis() {
  local host port
  host=$(url_host "$TEST_REDIS_URL"); port=$(url_port "$TEST_REDIS_URL" 6379)
  if answers "$host" "$port"; then say "Redis répond ($host:$port)."; return 0; fi
  if ! is_local "$host"; then
    MISSING+=("Redis injoignable à $host:$port (hôte distant : démarrez-le là-bas)"); return 1
  fi
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p "$SERVICES_DIR/redis"
    say "Redis ne répond pas : démarrage d'un Redis privé sur $host:$port ($SERVICES_DIR/redis)."
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
      --dir "$SERVICES_DIR/redis" --pidfile "$SERVICES_DIR/redis/redis-$port.pid" \
      --logfile "$SERVICES_DIR/redis/redis.log" && wait_for "$host" "$port" && return 0
  fi
  if has_compose; then
    say "Redis ne répond pas : démarrage par docker compose ($COMPOSE_FILE)."
    REDIS_PORT=$port docker compose -f "$COMPOSE_FILE" up -d redis && wait_for "$host" "$port" \
      && return 0
  fi
  MISSING+=("Redis à $host:$port : sudo apt-get install redis-server (ou Docker avec « docker compose »), ou indiquez TEST_REDIS_URL=redis://…")
  return 1
}

ensure_chromium() {
  local emoji=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
  if [[ -x $CHROMIUM_PATH || -n $(command -v "$CHROMIUM_PATH" 2>/dev/null) ]] && [[ -e $emoji ]]; then
    say "Chromium présent ($CHROMIUM_PATH)."; return 0
  fi
  if [[ $CHROMIUM_PATH == /usr/bin/chromium ]] && can_install; then
    say "Installation de Chromium (paquet Debian)."
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq && as_root apt-get install -y -qq chromium fonts-dejavu-core \
      fonts-noto-color-emoji >/dev/null && [[ -x $CHROMIUM_PATH ]] && return 0
  fi
  if [[ -x $CHROMIUM_PATH ]]; then
    say "Chromium présent ($CHROMIUM_PATH) ; police emoji absente (sudo apt-get install fonts-noto-color-emoji)."
    return 0
  fi
  MISSING+=("Chromium : sudo apt-get install chromium fonts-noto-color-emoji (Debian/Ubuntu), ou CHROMIUM_PATH=/chemin/vers/chromium — jamais « playwright install »")
  return 1
}

stop_private() {
  local data="$SERVICES_DIR/postgres" pg_ctl pid
  pg_ctl=$(pg_bin pg_ctl)
  if [[ -f $data/postmaster.pid && -n $pg_ctl ]]; then
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$pg_ctl" -D "$data" -m fast stop
    else "$pg_ctl" -D "$data" -m fast stop; fi
  fi
  for pid in "$SERVICES_DIR"/redis/redis-*.pid; do
    [[ -f $pid ]] && kill "$(cat "$pid")" 2>/dev/null && say "Redis privé arrêté."
  done
  if has_compose && [[ -n $(docker compose -f "$COMPOSE_FILE" ps -q 2>/dev/null) ]]; then
    docker compose -f "$COMPOSE_FILE" down
  fi
  return 0
}

case "${1:-start}" in
  stop) stop_private; exit 0 ;;
  start) ;;
  *) say "usage : $0 [start|stop]" >&2; exit 64 ;;
esac

wants postgres && start_postgres
wants redis && start_redis
wants chromium && ensure_chromium

if ((${#MISSING[@]})); then
  {
    say ""
    say "make test a besoin de ce qui suit, introuvable et impossible à démarrer ici :"
    for item in "${MISSING[@]}"; do say "  - $item"; done
    say "Puis relancez make test. Suite réduite sans ces services : ALLOW_SQLITE=1 make test."
  } >&2
  exit 2
fi
exit 0
