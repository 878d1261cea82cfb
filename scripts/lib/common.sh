# shellcheck shell=bash
# Shared settings and helpers for scripts/prism. Sourced, never executed.
#
# Every path derives from the repository root (the parent of scripts/), so a clone anywhere works.
# Every port can be overridden by its environment variable.

PRISM_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
PRISM_HOME="${PRISM_HOME:-$PRISM_REPO_ROOT/.prism}"
PRISM_RUN_DIR="$PRISM_HOME/run"
PRISM_LOG_DIR="$PRISM_HOME/logs"
PRISM_LOCAL_BIN="$PRISM_HOME/bin"
export PRISM_REPO_ROOT PRISM_HOME

PRISM_HOST=127.0.0.1
# Default ports sit below Linux's ephemeral range (32768-60999), so an outgoing connection
# can never hold a port a service is about to listen on.
PRISM_PG_PORT="${PRISM_PG_PORT:-25432}"
PRISM_KAFKA_PORT="${PRISM_KAFKA_PORT:-29092}"
PRISM_KAFKA_CONTROLLER_PORT="${PRISM_KAFKA_CONTROLLER_PORT:-29093}"
PRISM_FERRET_PORT="${PRISM_FERRET_PORT:-27117}"
PRISM_REDIS_PORT="${PRISM_REDIS_PORT:-26379}"
PRISM_REGISTRY_PORT="${PRISM_REGISTRY_PORT:-28081}"
PRISM_COMMAND_PORT="${PRISM_COMMAND_PORT:-28080}"
PRISM_QUERY_PORT="${PRISM_QUERY_PORT:-28082}"
# Health and /metrics of the processes without an API.
PRISM_RELAY_PORT="${PRISM_RELAY_PORT:-28083}"
PRISM_PROJECTOR_POSTGRES_PORT="${PRISM_PROJECTOR_POSTGRES_PORT:-28084}"
PRISM_PROJECTOR_MONGO_PORT="${PRISM_PROJECTOR_MONGO_PORT:-28085}"
PRISM_PROJECTOR_TIMESCALE_PORT="${PRISM_PROJECTOR_TIMESCALE_PORT:-28086}"
PRISM_PROCESS_PAYMENTS_PORT="${PRISM_PROCESS_PAYMENTS_PORT:-28087}"
PRISM_PROCESS_INVENTORY_PORT="${PRISM_PROCESS_INVENTORY_PORT:-28088}"
PRISM_PROCESS_ORDERS_PORT="${PRISM_PROCESS_ORDERS_PORT:-28089}"
PRISM_PROCESS_PURCHASING_PORT="${PRISM_PROCESS_PURCHASING_PORT:-28090}"
PRISM_PROCESS_PRODUCTION_PORT="${PRISM_PROCESS_PRODUCTION_PORT:-28091}"
PRISM_PROCESS_PAYROLL_PORT="${PRISM_PROCESS_PAYROLL_PORT:-28092}"
PRISM_PROCESS_HIRING_PORT="${PRISM_PROCESS_HIRING_PORT:-28093}"
PRISM_PROCESS_NOTIFICATIONS_PORT="${PRISM_PROCESS_NOTIFICATIONS_PORT:-28094}"
PRISM_PROCESS_WEBHOOKS_PORT="${PRISM_PROCESS_WEBHOOKS_PORT:-28095}"

# Seconds to wait for a service to become ready before giving up.
PRISM_START_TIMEOUT="${PRISM_START_TIMEOUT:-90}"

# ---------------------------------------------------------------------------------------------
# Output

# info MSG...: progress line on stderr (stdout stays clean for `status`).
info() { printf '[prism] %s\n' "$*" >&2; }

# warn MSG...: non-fatal problem.
warn() { printf '[prism] WARNING: %s\n' "$*" >&2; }

# die MSG...: fatal problem; exits the whole script.
die() {
    printf '[prism] ERROR: %s\n' "$*" >&2
    exit 1
}

# show_log_tail FILE [LINES]: print the end of a log file to help diagnose a failed start.
show_log_tail() {
    local file="$1" lines="${2:-40}"
    [[ -f "$file" ]] || return 0
    printf '[prism] ---- last %s lines of %s ----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2 || true
    printf '[prism] ----\n' >&2
}

# ---------------------------------------------------------------------------------------------
# Environment seen by the Prism processes and the tests

# export_prism_env: the connection settings every Prism process and test reads.
export_prism_env() {
    export PRISM_DATABASE_URL="postgres://prism:prism@$PRISM_HOST:$PRISM_PG_PORT/prism"
    export PRISM_KAFKA_BROKERS="$PRISM_HOST:$PRISM_KAFKA_PORT"
    export PRISM_SCHEMA_REGISTRY_URL="http://$PRISM_HOST:$PRISM_REGISTRY_PORT"
    export PRISM_MONGODB_URL="mongodb://$PRISM_HOST:$PRISM_FERRET_PORT/"
    export PRISM_REDIS_URL="redis://$PRISM_HOST:$PRISM_REDIS_PORT"
    export PRISM_LOG="${PRISM_LOG:-info}"
    export PRISM_KAFKA_BROKER_SCRIPT="$PRISM_REPO_ROOT/scripts/kafka-broker.sh"
}

# resolve_bin_dir DEFAULT_PROFILE: set and export an absolute PRISM_BIN_DIR
# (PRISM_BIN_DIR from the environment wins; relative paths are taken from the repo root).
resolve_bin_dir() {
    local profile="$1" target="${CARGO_TARGET_DIR:-$PRISM_REPO_ROOT/target}"
    local dir="${PRISM_BIN_DIR:-$target/$profile}"
    [[ "$dir" = /* ]] || dir="$PRISM_REPO_ROOT/$dir"
    export PRISM_BIN_DIR="$dir"
}

# ensure_dirs: create the state folders under .prism/.
ensure_dirs() {
    mkdir -p "$PRISM_RUN_DIR" "$PRISM_LOG_DIR" "$PRISM_LOCAL_BIN"
}

# locked CMD...: run CMD holding .prism/run/.lock, so that two scripts/prism (say, two test
# binaries calling `services` at once) do not install or start the same thing twice.
# The lock is released when this shell exits; servers are started with fd 9 closed.
locked() {
    ensure_dirs
    exec 9>"$PRISM_RUN_DIR/.lock"
    flock -w 900 9 || die "another scripts/prism has held $PRISM_RUN_DIR/.lock for 15 minutes"
    "$@"
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    (exec 3<>"/dev/tcp/$PRISM_HOST/$1") 2>/dev/null
}

# proc_stat_field PID N: field N of /proc/PID/stat counted after the command name
# (1 = state, 20 = start time); the name itself may contain spaces, hence the sed.
proc_stat_field() {
    sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f"$2"
}

# pid_alive PID: true when the process exists (and is not a zombie).
pid_alive() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(proc_stat_field "$pid" 1)" != "Z" ]]
}

# pid_cmdline PID: the process's command line, arguments separated by spaces.
pid_cmdline() {
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
}

# pid_on_port PORT: pid of the process listening on 127.0.0.1:PORT (empty if unknown).
pid_on_port() {
    ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true
}

# pid_file NAME: where the pid of service NAME is kept.
pid_file() { printf '%s/%s.pid\n' "$PRISM_RUN_DIR" "$1"; }

# record_pid NAME PID: write the pid file: the pid, then the process's start time, so that a
# pid reused by another program after a reboot is never mistaken for (or killed as) ours.
record_pid() {
    printf '%s\n%s\n' "$2" "$(proc_stat_field "$2" 20)" >"$(pid_file "$1")"
}

# read_pid NAME: the recorded pid of NAME if that very process is still alive, else nothing.
read_pid() {
    local file pid started
    file="$(pid_file "$1")"
    [[ -f "$file" ]] || return 0
    { read -r pid && read -r started; } <"$file" 2>/dev/null || true
    if pid_alive "$pid" && [[ "$(proc_stat_field "$pid" 20)" == "${started:-}" ]]; then
        printf '%s\n' "$pid"
    fi
}

# adopt_listener NAME PORT PATTERN: when a process whose command line contains PATTERN already
# listens on PORT (started by an earlier run whose pid file is gone), record its pid.
# Returns 0 when adopted, 1 when the port is free, 2 when another program holds the port.
adopt_listener() {
    local name="$1" port="$2" pattern="$3" pid cmd
    port_open "$port" || return 1
    pid="$(pid_on_port "$port")"
    cmd="$(pid_cmdline "${pid:-0}")"
    if [[ -n "$pid" && "$cmd" == *"$pattern"* ]]; then
        record_pid "$name" "$pid"
        return 0
    fi
    warn "$name: port $port is used by another program (pid ${pid:-?}: ${cmd:-unknown})"
    return 2
}

# service_running NAME PORT PATTERN: true when NAME runs (per its pid file, or adopted from
# its port); returns 2 when another program holds the port.
service_running() {
    [[ -n "$(read_pid "$1")" ]] && return 0
    adopt_listener "$@"
}

# needs_start NAME PORT PATTERN: true when NAME must be started; false when it already runs;
# exits when another program holds its port (stop it or choose another port).
needs_start() {
    local rc=0
    service_running "$@" || rc=$?
    case "$rc" in
    0) return 1 ;;
    1) return 0 ;;
    *) die "$1: cannot start, port $2 is taken (set another port through the environment)" ;;
    esac
}

# spawn NAME LOGFILE CMD...: run CMD detached (own session, no stdin, output appended to LOGFILE)
# and record its pid. The command must exec its server so that the pid is the server's.
spawn() {
    local name="$1" log="$2"
    shift 2
    mkdir -p "$(dirname "$log")"
    printf '\n==== %s starting %s ====\n' "$(date -Is)" "$name" >>"$log"
    # fd 9 is the state lock (see lock_state): the server must not inherit and hold it.
    NO_COLOR=1 setsid nohup "$@" >>"$log" 2>&1 </dev/null 9>&- &
    record_pid "$name" "$!"
}

# wait_until NAME TIMEOUT PID LOGFILE CHECK...: poll CHECK (a command) once a second until it
# succeeds; fail with the log tail if PID dies or TIMEOUT seconds pass.
wait_until() {
    local name="$1" timeout="$2" pid="$3" log="$4" waited=0
    shift 4
    until "$@"; do
        if ! pid_alive "$pid"; then
            warn "$name exited during start-up"
            show_log_tail "$log"
            return 1
        fi
        if ((waited >= timeout)); then
            warn "$name did not become ready within ${timeout}s"
            show_log_tail "$log"
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
}

# stop_service NAME [TIMEOUT]: SIGTERM the recorded process, SIGKILL after TIMEOUT seconds.
stop_service() {
    local name="$1" timeout="${2:-30}" pid waited=0
    pid="$(read_pid "$name")"
    if [[ -n "$pid" ]]; then
        kill -TERM "$pid" 2>/dev/null || true
        while pid_alive "$pid" && ((waited < timeout * 10)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if pid_alive "$pid"; then
            warn "$name (pid $pid) ignored SIGTERM for ${timeout}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        info "stopped $name (pid $pid)"
    fi
    rm -f "$(pid_file "$name")"
}

# print_status NAME ADDRESS PID: one aligned status line.
print_status() {
    local name="$1" address="$2" pid="$3"
    if [[ -n "$pid" ]]; then
        printf '%-22s running  pid %-8s %s\n' "$name" "$pid" "$address"
    else
        printf '%-22s stopped  %-12s %s\n' "$name" "" "$address"
    fi
}

# ---------------------------------------------------------------------------------------------
# Installation helpers

# apt_missing PKG...: print the Debian packages among PKG... that are not installed.
apt_missing() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
    done
}

# apt_install PKG...: install Debian packages quietly (apt-get update first), log to install.log.
apt_install() {
    local log="$PRISM_LOG_DIR/install.log"
    [[ $EUID -eq 0 ]] || die "missing Debian packages ($*); run as root or: sudo apt-get install $*"
    info "installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get -o DPkg::Lock::Timeout=300 update -q &&
        apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@"; } >>"$log" 2>&1; then
        show_log_tail "$log"
        die "apt-get install failed"
    fi
}

# run_logged DESCRIPTION CMD...: run CMD with output in install.log; show its tail on failure.
run_logged() {
    local what="$1" log="$PRISM_LOG_DIR/install.log"
    shift
    if ! "$@" >>"$log" 2>&1; then
        show_log_tail "$log"
        die "$what failed"
    fi
}
