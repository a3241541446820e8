#!/usr/bin/env bash
# Validates docker-compose.yml with docker-compose.mlops.yml as Docker Compose reads them (no engine
# needed), and that the mlops profile has the services the plan names. Installs Debian's
# docker-compose 1.29 when it is missing. Usage: infra/docker/validate-compose.sh  (make validate-compose)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if ! command -v docker-compose >/dev/null; then
  echo "[compose] installing docker-compose (Debian's 1.29)" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi

files=(-f docker-compose.yml -f docker-compose.mlops.yml)
docker-compose "${files[@]}" config -q
docker-compose -f docker-compose.yml config -q

want=(postgres redis kafka minio temporal prometheus grafana feast-redis feature-server mlflow-db registry-server trainer ml-serving model-monitor)
have=$(docker-compose "${files[@]}" --profile mlops config --services)
missing=()
for service in "${want[@]}"; do grep -qx "$service" <<<"$have" || missing+=("$service"); done
if ((${#missing[@]} > 0)); then
  echo "[compose] ERROR: the mlops profile lacks: ${missing[*]}" >&2
  exit 1
fi
# Without the profile only the infrastructure starts: every service of the mlops file carries it.
# (1.29's `config --services` ignores profiles, so read them from the merged file; PyYAML comes with docker-compose.)
docker-compose "${files[@]}" config | python3 -c '
import sys, yaml
services = yaml.safe_load(sys.stdin)["services"]
mlops = set(yaml.safe_load(open("docker-compose.mlops.yml"))["services"])
wrong = sorted(name for name in mlops if "mlops" not in services[name].get("profiles", []))
infra = sorted(name for name in services if name not in mlops and services[name].get("profiles"))
if wrong or infra:
    sys.exit(f"[compose] ERROR: without the mlops profile: {wrong}; infrastructure behind a profile: {infra}")
'
echo "[compose] docker-compose.yml + docker-compose.mlops.yml valid ($(docker-compose version --short)); mlops profile: ${#want[@]} services"
