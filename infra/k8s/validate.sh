#!/usr/bin/env bash
# Builds each kustomize overlay and checks every object offline: against the Kubernetes schemas
# compiled into the kubernetes-models package, then against the platform's rules (probes on
# /healthz and /readyz, resource requests, HPAs for ml-serving and feature-server, references that
# resolve). The on-demand Job is checked with the objects of the namespace it is created in.
# kustomize is built once with go install into the cache dir. Usage: infra/k8s/validate.sh (make validate-k8s)
source "$(dirname "${BASH_SOURCE[0]}")/../local/lib.sh"

KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION=v5.7.1
KUSTOMIZE_BIN=$CACHE_DIR/go/bin/kustomize
K8S_DIR=$REPO_ROOT/infra/k8s

kustomize_built_version() {
  go version -m "$KUSTOMIZE_BIN" 2>/dev/null | awk -v mod="$KUSTOMIZE_MODULE" '$1 == "mod" && $2 == mod {print $3}'
}

if [[ ! -x $KUSTOMIZE_BIN || $(kustomize_built_version) != "$KUSTOMIZE_VERSION" ]]; then
  command -v go >/dev/null || die "kustomize: the Go toolchain is needed (go install); install Go first"
  log "building kustomize $KUSTOMIZE_VERSION with go install (a minute or two the first time)"
  env "${GO_ENV[@]}" go install "$KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION" >"$CACHE_DIR/kustomize-build.log" 2>&1 || {
    tail -n 30 "$CACHE_DIR/kustomize-build.log" >&2
    die "kustomize: go install $KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION failed (log: $CACHE_DIR/kustomize-build.log)"
  }
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for overlay in "$K8S_DIR"/overlays/*/; do
  name=$(basename "$overlay")
  "$KUSTOMIZE_BIN" build "$overlay" >"$out/$name.yaml" || die "kustomize build $overlay failed"
done
{ cat "$out/production.yaml"; echo '---'; cat "$K8S_DIR/jobs/train-models.yaml"; } >"$out/production-with-job.yaml"

cd "$REPO_ROOT"
node --conditions=source --import tsx packages/deploy-checks/src/validate-manifests-cli.ts \
  --autoscaled ml-serving,feature-server --external-secrets platform-secrets \
  "$out"/*.yaml
