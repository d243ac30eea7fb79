#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the test suite's PostgreSQL pass.
#
# Developers:
#   .ci/postgres.sh start    # starts a server, prints the `export CARNET_TEST_DATABASE_URL=...` line
#   .ci/postgres.sh status
#   .ci/postgres.sh stop     # stops it and deletes its data
#   eval "$(.ci/postgres.sh start)"   # start and export in one go
#
# CI (.ci/run) sources this file and calls carnet_pg_start / carnet_pg_stop itself.
#
# The server lives in a fresh `mktemp -d` directory (data, unix socket, log), listens on
# 127.0.0.1 only, trusts every local connection, runs with fsync off (test data is
# disposable) and allows 300 connections (tests open many pools at once). Its superuser
# role `carnet` can create databases: the test helpers create one database per test from
# the admin URL and drop it afterwards.
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user
# when it exists, otherwise as a `carnet-ci` system user created for the purpose. As
# another user it runs as that user.
#
# Settings (environment): CARNET_PG_BIN (default /usr/lib/postgresql/15/bin),
# CARNET_PG_PORT (first port tried, default 54329), CARNET_PG_STATE (state file of the
# standalone commands, default ${TMPDIR:-/tmp}/carnet-ci-postgres.<uid>.state).

CARNET_PG_BIN="${CARNET_PG_BIN:-/usr/lib/postgresql/15/bin}"
CARNET_PG_FIRST_PORT="${CARNET_PG_PORT:-54329}"
CARNET_PG_STATE="${CARNET_PG_STATE:-${TMPDIR:-/tmp}/carnet-ci-postgres.$(id -u).state}"
CARNET_PG_ROLE=carnet
# Filled in by carnet_pg_start.
CARNET_PG_DIR="${CARNET_PG_DIR:-}"
CARNET_PG_USER="${CARNET_PG_USER:-}"
CARNET_PG_PORT_USED="${CARNET_PG_PORT_USED:-}"
CARNET_PG_URL="${CARNET_PG_URL:-}"

carnet_pg_log() { printf '[postgres] %s\n' "$*" >&2; }

# Installs PostgreSQL 15 with apt when its binaries are missing (root only).
carnet_pg_ensure_installed() {
    if [[ -x "$CARNET_PG_BIN/initdb" && -x "$CARNET_PG_BIN/pg_ctl" ]]; then
        return 0
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        carnet_pg_log "$CARNET_PG_BIN/initdb is missing; install postgresql-15 (as root: apt-get install postgresql-15)"
        return 1
    fi
    carnet_pg_log "$CARNET_PG_BIN/initdb is missing: installing postgresql-15 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15 >&2
    [[ -x "$CARNET_PG_BIN/initdb" ]] || {
        carnet_pg_log "postgresql-15 installed but $CARNET_PG_BIN/initdb is still missing"
        return 1
    }
}

# Picks the system user the server runs as, creating one if needed.
carnet_pg_pick_user() {
    if [[ "$(id -u)" -ne 0 ]]; then
        CARNET_PG_USER="$(id -un)"
    elif id -u postgres >/dev/null 2>&1; then
        CARNET_PG_USER=postgres
    else
        if ! id -u carnet-ci >/dev/null 2>&1; then
            carnet_pg_log "creating system user carnet-ci"
            useradd --system --no-create-home --shell /usr/sbin/nologin carnet-ci
        fi
        CARNET_PG_USER=carnet-ci
    fi
}

# Runs a command as the server's user, from inside the server's directory (the user may
# not be allowed to read the current directory).
carnet_pg_as_user() {
    if [[ "$(id -u)" -eq 0 ]]; then
        (cd "$CARNET_PG_DIR" && runuser -u "$CARNET_PG_USER" -- "$@")
    else
        (cd "$CARNET_PG_DIR" && "$@")
    fi
}

# True when something accepts TCP connections on 127.0.0.1:$1.
carnet_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts the server; sets CARNET_PG_DIR, CARNET_PG_USER, CARNET_PG_PORT_USED, CARNET_PG_URL.
carnet_pg_start() {
    carnet_pg_ensure_installed || return 1
    carnet_pg_pick_user || return 1

    CARNET_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/carnet-pg.XXXXXXXX")" || return 1
    chmod 0755 "$CARNET_PG_DIR"
    mkdir "$CARNET_PG_DIR/socket"
    if [[ "$(id -u)" -eq 0 ]]; then
        chown -R "$CARNET_PG_USER:" "$CARNET_PG_DIR"
    fi
    carnet_pg_log "directory $CARNET_PG_DIR, running as user $CARNET_PG_USER"

    if ! carnet_pg_as_user "$CARNET_PG_BIN/initdb" --pgdata="$CARNET_PG_DIR/data" \
        --username="$CARNET_PG_USER" --auth-local=trust --auth-host=trust \
        --encoding=UTF8 --locale=C --no-sync >"$CARNET_PG_DIR/initdb.log" 2>&1; then
        carnet_pg_log "initdb failed:"
        cat "$CARNET_PG_DIR/initdb.log" >&2
        return 1
    fi

    # Appending keeps the file's owner. The port is given at start (it may change).
    cat >>"$CARNET_PG_DIR/data/postgresql.conf" <<EOF

# carnet CI: a disposable test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CARNET_PG_DIR/socket'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    local port="$CARNET_PG_FIRST_PORT" attempts=0 started=0
    while ((attempts < 20)); do
        if carnet_pg_port_busy "$port"; then
            carnet_pg_log "port $port is taken, trying $((port + 1))"
            port=$((port + 1))
            attempts=$((attempts + 1))
            continue
        fi
        if carnet_pg_as_user "$CARNET_PG_BIN/pg_ctl" --pgdata="$CARNET_PG_DIR/data" \
            --log="$CARNET_PG_DIR/postgres.log" --wait --timeout=60 \
            -o "-p $port" start >"$CARNET_PG_DIR/pg_ctl.log" 2>&1; then
            started=1
            break
        fi
        # Someone may have taken the port between the check and the start.
        if grep -q 'could not bind\|could not create any TCP/IP sockets' "$CARNET_PG_DIR/postgres.log" 2>/dev/null; then
            carnet_pg_log "could not bind port $port, trying $((port + 1))"
            carnet_pg_as_user "$CARNET_PG_BIN/pg_ctl" --pgdata="$CARNET_PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true
            port=$((port + 1))
            attempts=$((attempts + 1))
            continue
        fi
        break
    done
    if ((started == 0)); then
        carnet_pg_log "the server did not start:"
        cat "$CARNET_PG_DIR/pg_ctl.log" "$CARNET_PG_DIR/postgres.log" >&2 2>/dev/null || true
        return 1
    fi
    CARNET_PG_PORT_USED="$port"

    if ! carnet_pg_as_user "$CARNET_PG_BIN/psql" --no-psqlrc --quiet -v ON_ERROR_STOP=1 \
        --host="$CARNET_PG_DIR/socket" --port="$port" --username="$CARNET_PG_USER" --dbname=postgres \
        --command="CREATE ROLE $CARNET_PG_ROLE WITH LOGIN SUPERUSER CREATEDB" >&2; then
        carnet_pg_log "could not create role $CARNET_PG_ROLE"
        return 1
    fi

    CARNET_PG_URL="postgres://$CARNET_PG_ROLE@127.0.0.1:$port/postgres"
    carnet_pg_log "PostgreSQL $("$CARNET_PG_BIN/postgres" --version | sed -E 's/.*\(PostgreSQL\) ([^ ]+).*/\1/') up at $CARNET_PG_URL (log: $CARNET_PG_DIR/postgres.log)"
}

# Stops the server started by carnet_pg_start and deletes its directory. Safe to call
# twice, or when nothing was started.
carnet_pg_stop() {
    [[ -n "$CARNET_PG_DIR" && -d "$CARNET_PG_DIR" ]] || return 0
    if [[ -f "$CARNET_PG_DIR/data/postmaster.pid" ]]; then
        if ! carnet_pg_as_user "$CARNET_PG_BIN/pg_ctl" --pgdata="$CARNET_PG_DIR/data" \
            stop -m fast --wait --timeout=30 >/dev/null 2>&1; then
            carnet_pg_log "fast shutdown failed, shutting down immediately"
            carnet_pg_as_user "$CARNET_PG_BIN/pg_ctl" --pgdata="$CARNET_PG_DIR/data" \
                stop -m immediate --wait --timeout=30 >/dev/null 2>&1 || true
        fi
        carnet_pg_log "server stopped"
    fi
    rm -rf "$CARNET_PG_DIR"
    carnet_pg_log "removed $CARNET_PG_DIR"
    CARNET_PG_DIR=""
}

# Standalone use: the state file remembers the server between commands.
carnet_pg_main() {
    set -euo pipefail
    local command="${1:-}"
    case "$command" in
    start)
        if [[ -f "$CARNET_PG_STATE" ]]; then
            # shellcheck disable=SC1090
            source "$CARNET_PG_STATE"
            if [[ -f "$CARNET_PG_DIR/data/postmaster.pid" ]]; then
                carnet_pg_log "already running (stop it with: $0 stop)"
                printf 'export CARNET_TEST_DATABASE_URL=%s\n' "$CARNET_PG_URL"
                return 0
            fi
            rm -f "$CARNET_PG_STATE"
            CARNET_PG_DIR=""
        fi
        if ! carnet_pg_start; then
            carnet_pg_stop
            return 1
        fi
        printf 'CARNET_PG_DIR=%q\nCARNET_PG_USER=%q\nCARNET_PG_PORT_USED=%q\nCARNET_PG_URL=%q\n' \
            "$CARNET_PG_DIR" "$CARNET_PG_USER" "$CARNET_PG_PORT_USED" "$CARNET_PG_URL" >"$CARNET_PG_STATE"
        carnet_pg_log "stop it with: $0 stop"
        printf 'export CARNET_TEST_DATABASE_URL=%s\n' "$CARNET_PG_URL"
        ;;
    stop)
        if [[ ! -f "$CARNET_PG_STATE" ]]; then
            carnet_pg_log "no server recorded in $CARNET_PG_STATE"
            return 0
        fi
        # shellcheck disable=SC1090
        source "$CARNET_PG_STATE"
        carnet_pg_stop
        rm -f "$CARNET_PG_STATE"
        ;;
    status)
        if [[ -f "$CARNET_PG_STATE" ]]; then
            # shellcheck disable=SC1090
            source "$CARNET_PG_STATE"
            carnet_pg_as_user "$CARNET_PG_BIN/pg_ctl" --pgdata="$CARNET_PG_DIR/data" status
            printf 'export CARNET_TEST_DATABASE_URL=%s\n' "$CARNET_PG_URL"
        else
            carnet_pg_log "no server recorded in $CARNET_PG_STATE"
            return 3
        fi
        ;;
    *)
        printf 'usage: %s start|status|stop\n' "$0" >&2
        return 2
        ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    carnet_pg_main "$@"
fi
