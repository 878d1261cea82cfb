# shellcheck shell=bash
# The Python virtualenv under .prism/venv, and the outside check: Confluent's own Python client
# (confluent-kafka, unmodified), installed there, reads Prism's topics and registry as an
# external subscriber would, and the example subscriber (examples/python-subscriber) decodes a
# sample of every event type. Run by `scripts/prism test` after the Rust suite. scripts/bench
# installs its plot's matplotlib into the same virtualenv with venv_install.

# venv_install NAME REQUIREMENTS: create .prism/venv when missing and pip-install REQUIREMENTS
# (the text of a requirements file) into it, again only when that text changed since the last
# install under NAME; quiet when nothing is to do.
venv_install() {
    local name="$1" requirements="$2" venv="$PRISM_HOME/venv"
    local stamp="$venv/.installed-$name"
    if [[ -x "$venv/bin/python" && -f "$stamp" && "$(<"$stamp")" == "$requirements" ]]; then
        return 0
    fi
    info "installing the Python packages for $name into $venv"
    [[ -x "$venv/bin/python" ]] || run_logged "creating $venv" python3 -m venv "$venv"
    run_logged "pip install ($name)" "$venv/bin/pip" install -q -r <(printf '%s\n' "$requirements")
    printf '%s\n' "$requirements" >"$stamp"
}

# cmd_external_check: the Prism processes (from $PRISM_BIN_DIR) and the Python subscriber tests.
cmd_external_check() {
    venv_install external-check "$(<"$PRISM_REPO_ROOT/tests/external/requirements.txt")"
    processes_start
    PRISM_COMMAND_URL="http://$PRISM_HOST:$PRISM_COMMAND_PORT" \
        "$PRISM_HOME/venv/bin/python" -m pytest -q -p no:cacheprovider "$PRISM_REPO_ROOT/tests/external"
}
