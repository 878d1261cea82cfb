# shellcheck shell=bash
# Helm, for the chart's check (deploy/helm/prism: helm lint, helm template): built from source
# with the Go toolchain into $PRISM_LOCAL_BIN once (the Go module proxy is reachable where the
# release downloads are not).

HELM_VERSION="v3.22.0"
HELM_BIN="$PRISM_LOCAL_BIN/helm"
HELM_STAMP="$PRISM_LOCAL_BIN/.helm-version"

# helm_install: build Helm unless this version is there already.
helm_install() {
    [[ -x "$HELM_BIN" && "$(cat "$HELM_STAMP" 2>/dev/null)" == "$HELM_VERSION" ]] && return 0
    command -v go >/dev/null || die "the Go toolchain is needed to build Helm (https://go.dev/dl)"
    info "building Helm $HELM_VERSION into $PRISM_LOCAL_BIN (a few minutes)"
    run_logged "go install Helm" env GOBIN="$PRISM_LOCAL_BIN" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    echo "$HELM_VERSION" >"$HELM_STAMP"
}
