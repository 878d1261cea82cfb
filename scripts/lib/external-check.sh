# shellcheck shell=bash
# The outside check: Confluent's own Python client (confluent-kafka, unmodified), installed in
# a virtualenv under .prism/venv, reads Prism's topics and registry as an external subscriber
# would. Run by `scripts/prism test` after the Rust suite.

# venv_install: create .prism/venv and install tests/external/requirements.txt, again only when
# that file changed; quiet when nothing is to do.
venv_install() {
    local venv="$PRISM_HOME/venv" requirements="$PRISM_REPO_ROOT/tests/external/requirements.txt"
    local stamp="$PRISM_HOME/venv/.installed-requirements"
    if [[ -x "$venv/bin/python" ]] && cmp -s "$requirements" "$stamp"; then
        return 0
    fi
    info "installing the Confluent Python client into $venv"
    run_logged "creating $venv" python3 -m venv "$venv"
    run_logged "pip install -r $requirements" "$venv/bin/pip" install -q -r "$requirements"
    cp "$requirements" "$stamp"
}

# cmd_external_check: the Prism processes (from $PRISM_BIN_DIR) and the Python subscriber tests.
cmd_external_check() {
    venv_install
    processes_start
    PRISM_COMMAND_URL="http://$PRISM_HOST:$PRISM_COMMAND_PORT" \
        "$PRISM_HOME/venv/bin/python" -m pytest -q -p no:cacheprovider "$PRISM_REPO_ROOT/tests/external"
}
