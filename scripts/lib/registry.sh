# shellcheck shell=bash
# The schema registry: our own Confluent-API-compatible binary `prism-schema-registry`
# (crate schema-registry/), on 127.0.0.1:$PRISM_REGISTRY_PORT, storing schemas in Postgres.
# Started from $PRISM_BIN_DIR; if the binary is missing it is built, and if it cannot be built
# (the crate may have no binary yet) the registry is skipped with a warning.

REGISTRY_NAME=schema-registry
REGISTRY_BINARY=prism-schema-registry
REGISTRY_LOG="$PRISM_LOG_DIR/$REGISTRY_NAME.log"

# registry_url: base URL of the registry.
registry_url() { echo "http://$PRISM_HOST:$PRISM_REGISTRY_PORT"; }

# registry_ready: true when GET /subjects answers with a 2xx status.
registry_ready() { curl -fsS -o /dev/null --max-time 2 "$(registry_url)/subjects" 2>/dev/null; }

# registry_running: true when our registry runs (adopting one that already serves our port).
registry_running() { service_running "$REGISTRY_NAME" "$PRISM_REGISTRY_PORT" "$REGISTRY_BINARY"; }

# registry_build: build the binary when it is missing from $PRISM_BIN_DIR. Never runs inside a
# cargo command (a test calling `scripts/prism services` would wait forever on cargo's lock).
registry_build() {
    [[ -x "$PRISM_BIN_DIR/$REGISTRY_BINARY" ]] && return 0
    [[ -z "${CARGO_MANIFEST_DIR:-}" && -z "${PRISM_NO_BUILD:-}" ]] || return 1
    [[ -f "$PRISM_REPO_ROOT/schema-registry/Cargo.toml" ]] || return 1
    local profile=()
    [[ "$PRISM_BIN_DIR" == */release ]] && profile=(--release)
    info "building $REGISTRY_BINARY (cargo build ${profile[*]:+${profile[*]} }-p prism-schema-registry)"
    (cd "$PRISM_REPO_ROOT" && cargo build -q "${profile[@]}" -p prism-schema-registry --bins) \
        >>"$PRISM_LOG_DIR/build.log" 2>&1 || return 1
    [[ -x "$PRISM_BIN_DIR/$REGISTRY_BINARY" ]]
}

# registry_start: start the registry unless it runs; warn and carry on if there is no binary.
registry_start() {
    needs_start "$REGISTRY_NAME" "$PRISM_REGISTRY_PORT" "$REGISTRY_BINARY" || return 0
    if ! registry_build; then
        warn "schema registry NOT started: no $PRISM_BIN_DIR/$REGISTRY_BINARY (see $PRISM_LOG_DIR/build.log)"
        return 0
    fi
    info "starting schema registry on $(registry_url)"
    PRISM_REGISTRY_ADDR="$PRISM_HOST:$PRISM_REGISTRY_PORT" \
        spawn "$REGISTRY_NAME" "$REGISTRY_LOG" "$PRISM_BIN_DIR/$REGISTRY_BINARY"
    wait_until "$REGISTRY_NAME" "$PRISM_START_TIMEOUT" "$(read_pid "$REGISTRY_NAME")" "$REGISTRY_LOG" \
        registry_ready || die "schema registry did not start"
}

# registry_stop: stop the registry if running.
registry_stop() {
    registry_running || true
    stop_service "$REGISTRY_NAME" 20
}

# registry_status: one status line.
registry_status() {
    registry_running || true
    print_status "$REGISTRY_NAME" "$(registry_url)" "$(read_pid "$REGISTRY_NAME")"
}
