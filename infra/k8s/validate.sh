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

go_install_pinned kustomize "$KUSTOMIZE_MODULE" "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION"

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
