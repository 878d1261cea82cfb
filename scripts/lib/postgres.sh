# shellcheck shell=bash
# PostgreSQL 15: a private cluster in .prism/postgres on 127.0.0.1:$PRISM_PG_PORT,
# superuser prism/prism (scram-sha-256), database prism.
#
# The server runs as the `postgres` OS user when we are root (PostgreSQL refuses to run as root),
# otherwise as the current user.

PG_DATA="$PRISM_HOME/postgres"
PG_LOG="$PRISM_LOG_DIR/postgres.log"
PG_SOCKET_DIR="${PRISM_PG_SOCKET_DIR:-/tmp}"
PG_OPTIONS="-p $PRISM_PG_PORT -k $PG_SOCKET_DIR -c listen_addresses=$PRISM_HOST -c max_connections=300"

# pg_bin_dir: the server binaries, preferring major version 15, else the newest installed.
pg_bin_dir() {
    local dir
    if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then
        echo /usr/lib/postgresql/15/bin
        return
    fi
    dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n1)"
    [[ -n "$dir" ]] || die "PostgreSQL is not installed (run scripts/prism install)"
    echo "$dir"
}

# as_pg CMD...: run CMD as the server's OS user, from / (its home may not be readable).
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

# pg_pid: pid of the postmaster serving PG_DATA if it is alive, else nothing
# (postmaster.pid may be stale after a crash or reboot, its pid reused by another program).
pg_pid() {
    local pid
    pid="$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
    if pid_alive "$pid" && [[ "$(pid_cmdline "$pid")" == *postgres* ]]; then echo "$pid"; fi
}

# pg_ready: true when the cluster accepts connections on the TCP port.
pg_ready() {
    "$(pg_bin_dir)/pg_isready" -q -h "$PRISM_HOST" -p "$PRISM_PG_PORT"
}

# pg_make_traversable: let the postgres OS user reach .prism/postgres by adding o+x to each
# folder on the way that it cannot enter (a clone under /root, for example), from / down.
pg_make_traversable() {
    [[ $EUID -eq 0 ]] || return 0
    local dir="" part parts
    IFS=/ read -ra parts <<<"${PRISM_HOME#/}"
    for part in "${parts[@]}"; do
        dir="$dir/$part"
        if ! runuser -u postgres -- test -x "$dir"; then
            info "chmod o+x $dir (so the postgres user can reach the data folder)"
            chmod o+x "$dir"
        fi
    done
}

# pg_init: create the cluster with superuser prism/prism if the data folder is empty.
pg_init() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
    info "initialising PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    local pwfile
    pwfile="$(mktemp)"
    echo prism >"$pwfile"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PG_DATA" "$pwfile"; fi
    chmod 700 "$PG_DATA"
    run_logged "initdb" as_pg "$(pg_bin_dir)/initdb" -D "$PG_DATA" -U prism --pwfile="$pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --no-locale
    rm -f "$pwfile"
}

# pg_prepare_log: the server (not root) appends to the log file, so it must own it.
pg_prepare_log() {
    touch "$PG_LOG"
    if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$PG_LOG"; fi
}

# pg_create_database: create the databases prism (Prism's own) and ferretdb (FerretDB's
# backend) if they do not exist yet.
pg_create_database() {
    local psql name
    psql="$(pg_bin_dir)/psql"
    export PGPASSWORD=prism
    for name in prism ferretdb; do
        if [[ "$("$psql" -h "$PRISM_HOST" -p "$PRISM_PG_PORT" -U prism -d postgres -tAq \
            -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]]; then
            info "creating database $name"
            "$psql" -h "$PRISM_HOST" -p "$PRISM_PG_PORT" -U prism -d postgres -q -c "CREATE DATABASE $name"
        fi
    done
}

# pg_start: start the cluster unless it already runs (an earlier `up`, or a developer's
# hand-started server on the same data folder, is reused as it is).
pg_start() {
    if [[ -n "$(pg_pid)" ]]; then
        pg_ready || die "postgres: a server runs on $PG_DATA but not on $PRISM_HOST:$PRISM_PG_PORT"
        pg_create_database
        return 0
    fi
    if port_open "$PRISM_PG_PORT"; then
        die "postgres: port $PRISM_PG_PORT is used by another server (pid $(pid_on_port "$PRISM_PG_PORT")); set PRISM_PG_PORT"
    fi
    pg_make_traversable
    pg_init
    pg_prepare_log
    info "starting PostgreSQL on $PRISM_HOST:$PRISM_PG_PORT"
    if ! as_pg "$(pg_bin_dir)/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "$PG_OPTIONS" \
        -w -t "$PRISM_START_TIMEOUT" start >/dev/null 9>&-; then
        show_log_tail "$PG_LOG"
        die "postgres did not start"
    fi
    pg_create_database
}

# pg_stop: fast shutdown (rolls back open transactions), if running.
pg_stop() {
    local pid
    pid="$(pg_pid)"
    [[ -n "$pid" ]] || return 0
    as_pg "$(pg_bin_dir)/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    info "stopped postgres (pid $pid)"
}

# pg_status: one status line.
pg_status() {
    print_status postgres "postgres://prism:prism@$PRISM_HOST:$PRISM_PG_PORT/prism" "$(pg_pid)"
}
