# shellcheck shell=bash
# Apache Kafka: one KRaft broker+controller from the official jars (Maven Central), run by
# scripts/kafka-broker.sh. Jars in .prism/kafka/libs, data in .prism/kafka/data.

KAFKA_POM="$PRISM_REPO_ROOT/scripts/kafka/pom.xml"
KAFKA_LIBS="$PRISM_HOME/kafka/libs"
KAFKA_DATA="$PRISM_HOME/kafka/data"
KAFKA_LOG="$PRISM_LOG_DIR/kafka.log"
# The jars are re-fetched whenever the pom changes (for example a version bump).
KAFKA_STAMP="$KAFKA_LIBS/.pom.sha256"

# kafka_install: copy the broker's jars into .prism/kafka/libs unless they match the pom.
kafka_install() {
    local sum
    sum="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
    [[ -f "$KAFKA_STAMP" && "$(cat "$KAFKA_STAMP")" == "$sum" ]] && return 0
    info "fetching Kafka jars from Maven Central into $KAFKA_LIBS"
    rm -rf "$KAFKA_LIBS"
    run_logged "mvn dependency:copy-dependencies" mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS"
    echo "$sum" >"$KAFKA_STAMP"
}

# kafka_running: true when our broker runs (adopting one that already serves our port).
kafka_running() { service_running kafka "$PRISM_KAFKA_PORT" kafka.Kafka; }

# kafka_started SINCE_BYTES: true once the broker logged its start after byte SINCE_BYTES.
# (Not `tail | grep -q`: under pipefail, tail's SIGPIPE when grep stops early at the match
# fails the pipeline whenever much was logged after the line.)
kafka_started() {
    grep -q 'Kafka Server started' < <(tail -c "+$(($1 + 1))" "$KAFKA_LOG" 2>/dev/null) &&
        port_open "$PRISM_KAFKA_PORT"
}

# kafka_start: run scripts/kafka-broker.sh in the background unless the broker already runs.
kafka_start() {
    needs_start kafka "$PRISM_KAFKA_PORT" kafka.Kafka || return 0
    if port_open "$PRISM_KAFKA_CONTROLLER_PORT"; then
        die "kafka: controller port $PRISM_KAFKA_CONTROLLER_PORT is already in use"
    fi
    local since pid
    since="$(stat -c %s "$KAFKA_LOG" 2>/dev/null || echo 0)"
    info "starting Kafka on $PRISM_HOST:$PRISM_KAFKA_PORT (controller $PRISM_KAFKA_CONTROLLER_PORT)"
    PRISM_KAFKA_LOG_FILE="$KAFKA_LOG" spawn kafka "$KAFKA_LOG" \
        "$PRISM_REPO_ROOT/scripts/kafka-broker.sh" "$KAFKA_DATA" "$PRISM_KAFKA_PORT" "$PRISM_KAFKA_CONTROLLER_PORT"
    pid="$(read_pid kafka)"
    wait_until kafka "$PRISM_START_TIMEOUT" "$pid" "$KAFKA_LOG" kafka_started "$since" ||
        die "kafka did not start"
}

# kafka_stop: controlled shutdown (the broker flushes and closes its logs), if running.
kafka_stop() {
    kafka_running || true
    stop_service kafka 60
}

# kafka_status: one status line.
kafka_status() {
    kafka_running || true
    print_status kafka "$PRISM_HOST:$PRISM_KAFKA_PORT" "$(read_pid kafka)"
}
