# shellcheck shell=bash
# The Prism processes, started from $PRISM_BIN_DIR when their binary exists.
# Each logs to .prism/logs/<name>.log and keeps its pid in .prism/run/<name>.pid.

# One process per line: NAME BINARY HTTP_PORT(- for none) [ARGS...]
PRISM_PROCESSES="
command-api         prism-command-api $PRISM_COMMAND_PORT
relay               prism-relay       $PRISM_RELAY_PORT
projector-postgres  prism-projector   $PRISM_PROJECTOR_POSTGRES_PORT --projector postgres
projector-mongo     prism-projector   $PRISM_PROJECTOR_MONGO_PORT --projector mongo
projector-timescale prism-projector   $PRISM_PROJECTOR_TIMESCALE_PORT --projector timescale
payment-allocations prism-process-manager $PRISM_PROCESS_PAYMENTS_PORT --process payment-allocations
inventory-postings  prism-process-manager $PRISM_PROCESS_INVENTORY_PORT --process inventory-postings
order-fulfilment    prism-process-manager $PRISM_PROCESS_ORDERS_PORT --process order-fulfilment
procure-to-pay      prism-process-manager $PRISM_PROCESS_PURCHASING_PORT --process procure-to-pay
production          prism-process-manager $PRISM_PROCESS_PRODUCTION_PORT --process production
payroll             prism-process-manager $PRISM_PROCESS_PAYROLL_PORT --process payroll
hiring              prism-process-manager $PRISM_PROCESS_HIRING_PORT --process hiring
notifications       prism-process-manager $PRISM_PROCESS_NOTIFICATIONS_PORT --process notifications
webhooks            prism-process-manager $PRISM_PROCESS_WEBHOOKS_PORT --process webhooks
query-api           prism-query-api   $PRISM_QUERY_PORT
"

# for_each_process FUNCTION: call FUNCTION NAME BINARY HTTP_PORT ARGS... for every process.
for_each_process() {
    local line
    while read -r line; do
        # shellcheck disable=SC2086 # the table's fields are split on purpose
        if [[ -n "$line" ]]; then "$1" $line; fi
    done <<<"$PRISM_PROCESSES"
}

# process_ready NAME PORT: a process with a port is ready when GET /health/ready answers 200
# (what it depends on answers, its database is migrated); one without, by being alive.
process_ready() {
    [[ "$2" == - ]] && return 0
    curl -fsS -o /dev/null --max-time 3 "http://$PRISM_HOST:$2/health/ready" 2>/dev/null
}

# process_start NAME BINARY PORT ARGS...: spawn one process unless it runs or has no binary.
process_start() {
    local name="$1" binary="$2" port="$3"
    shift 3
    [[ -n "$(read_pid "$name")" ]] && return 0
    if [[ ! -x "$PRISM_BIN_DIR/$binary" ]]; then
        warn "$name not started: no $PRISM_BIN_DIR/$binary"
        rm -f "$(pid_file "$name")"
        return 0
    fi
    if [[ "$port" != - ]]; then
        needs_start "$name" "$port" "$binary" || return 0
        PRISM_HTTP_ADDR="$PRISM_HOST:$port" spawn "$name" "$PRISM_LOG_DIR/$name.log" "$PRISM_BIN_DIR/$binary" "$@"
    else
        spawn "$name" "$PRISM_LOG_DIR/$name.log" "$PRISM_BIN_DIR/$binary" "$@"
    fi
    info "started $name (pid $(read_pid "$name"))"
}

# process_wait NAME BINARY PORT ...: wait for one started process; record a failure.
process_wait() {
    local name="$1" port="$3" pid
    [[ -f "$(pid_file "$name")" ]] || return 0
    pid="$(head -n1 "$(pid_file "$name")")"
    if ! wait_until "$name" "$PRISM_START_TIMEOUT" "$pid" "$PRISM_LOG_DIR/$name.log" process_ready "$name" "$port"; then
        PROCESS_FAILURES+=("$name")
        return 0
    fi
    # A process without a health endpoint counts as up if it is still alive a moment later.
    if [[ "$port" == - ]]; then
        sleep 1
        if ! pid_alive "$pid"; then
            warn "$name exited right after start-up"
            show_log_tail "$PRISM_LOG_DIR/$name.log"
            PROCESS_FAILURES+=("$name")
        fi
    fi
}

# processes_start: start every process, then wait for all; fail if any did not come up.
processes_start() {
    PROCESS_FAILURES=()
    for_each_process process_start
    for_each_process process_wait
    ((${#PROCESS_FAILURES[@]} == 0)) || die "not running: ${PROCESS_FAILURES[*]}"
}

# process_stop NAME ...: stop one process if running.
process_stop() { stop_service "$1" 20; }

# processes_stop: stop every process (queries first, command API last).
processes_stop() {
    local names name
    names="$(for_each_process echo | awk '{print $1}' | tac)"
    for name in $names; do process_stop "$name"; done
}

# process_status NAME BINARY PORT ...: one status line.
process_status() {
    local address=-
    [[ "$3" != - ]] && address="http://$PRISM_HOST:$3"
    print_status "$1" "$address" "$(read_pid "$1")"
}

# processes_status: one status line per process.
processes_status() { for_each_process process_status; }
