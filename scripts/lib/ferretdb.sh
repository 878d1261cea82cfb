# shellcheck shell=bash
# FerretDB v1: a MongoDB wire-protocol server on 127.0.0.1:$PRISM_FERRET_PORT, storing its data
# in the database ferretdb of our Postgres cluster (its state in .prism/ferretdb). Built from
# source with the Go toolchain.

FERRET_VERSION=v1.24.2
FERRET_BIN="$PRISM_LOCAL_BIN/ferretdb"
FERRET_STAMP="$PRISM_LOCAL_BIN/.ferretdb-version"
FERRET_DATA="$PRISM_HOME/ferretdb"
FERRET_LOG="$PRISM_LOG_DIR/ferretdb.log"

# ferret_install: build the ferretdb binary into .prism/bin unless this version is there.
#
# A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
# panics at start-up: the generated build/version/version.txt is not in the published module.
# So we take the module source from the Go module proxy (`go mod download`), add that one file
# to a copy, and build ./cmd/ferretdb from the copy.
ferret_install() {
    [[ -x "$FERRET_BIN" && "$(cat "$FERRET_STAMP" 2>/dev/null)" == "$FERRET_VERSION" ]] && return 0
    command -v go >/dev/null || die "the Go toolchain is needed to build FerretDB (https://go.dev/dl)"
    info "building FerretDB $FERRET_VERSION into $PRISM_LOCAL_BIN (about a minute)"
    local module_dir work
    module_dir="$(cd / && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRET_VERSION" |
        sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')" || true
    [[ -d "$module_dir" ]] || die "go mod download github.com/FerretDB/FerretDB@$FERRET_VERSION failed"
    work="$(mktemp -d)"
    cp -r "$module_dir" "$work/src"
    chmod -R u+w "$work/src"
    echo "$FERRET_VERSION" >"$work/src/build/version/version.txt"
    echo "local" >"$work/src/build/version/package.txt"
    run_logged "go build FerretDB" go build -C "$work/src" -trimpath -ldflags=-s \
        -o "$FERRET_BIN" ./cmd/ferretdb
    rm -rf "$work"
    echo "$FERRET_VERSION" >"$FERRET_STAMP"
}

# ferret_running: true when our server runs (adopting one that already serves our port).
ferret_running() { service_running ferretdb "$PRISM_FERRET_PORT" ferretdb; }

# ferret_start: start FerretDB (PostgreSQL backend: database ferretdb of our cluster, telemetry
# off) unless it already runs. Not SQLite: it keeps up to 100 connections open per MongoDB
# database, each mapping its WAL index, which exhausts the process's memory maps once a test
# run has made a few hundred tenant databases.
ferret_start() {
    needs_start ferretdb "$PRISM_FERRET_PORT" ferretdb || return 0
    mkdir -p "$FERRET_DATA"
    info "starting FerretDB on $PRISM_HOST:$PRISM_FERRET_PORT"
    spawn ferretdb "$FERRET_LOG" "$FERRET_BIN" \
        --listen-addr="$PRISM_HOST:$PRISM_FERRET_PORT" \
        --handler=postgresql \
        --postgresql-url="postgres://prism:prism@$PRISM_HOST:$PRISM_PG_PORT/ferretdb" \
        --state-dir="$FERRET_DATA" --debug-addr=- \
        --telemetry=disable --log-level=INFO --log-format=text
    wait_until ferretdb "$PRISM_START_TIMEOUT" "$(read_pid ferretdb)" "$FERRET_LOG" \
        port_open "$PRISM_FERRET_PORT" || die "ferretdb did not start"
}

# ferret_stop: stop FerretDB if running.
ferret_stop() {
    ferret_running || true
    stop_service ferretdb 20
}

# ferret_status: one status line.
ferret_status() {
    ferret_running || true
    print_status ferretdb "mongodb://$PRISM_HOST:$PRISM_FERRET_PORT/" "$(read_pid ferretdb)"
}
