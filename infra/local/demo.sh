#!/usr/bin/env bash
# `make demo`: the main job end to end on one machine, after `make setup` and `make features-apply`.
# Seeds a payment history that ends today, materializes it into Redis, starts the five services
# (feature-server also consumes payments.normalized), trains and registers the four models, waits
# until ml-serving has loaded them, sends one request to each endpoint and prints where things are.
# Usage: infra/local/demo.sh  (EVENTS, DAYS, SEED from the environment)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
started=$SECONDS
EVENTS=${EVENTS:-100000}
DAYS=${DAYS:-90}
SEED=${SEED:-42}
TSX=(node --conditions=source --import tsx)
SERVING_READY_TIMEOUT_S=${SERVING_READY_TIMEOUT_S:-120}

stage() { printf '\n[demo] %s (%d s)\n' "$*" $((SECONDS - started)); }

start_day=$(date -u -d "$DAYS days ago" +%Y-%m-%d)
stage "seeding $EVENTS payment events over $DAYS days, ending today"
"${TSX[@]}" packages/simulator/src/cli.ts seed --events "$EVENTS" --days "$DAYS" --seed "$SEED" --start "$start_day"

stage "materializing the feature views into Redis"
"${TSX[@]}" packages/feature-store/src/cli.ts materialize --start "${start_day}T00:00:00Z" --end "$(date -u +%Y-%m-%dT%H:%M:%SZ)"

stage "building the registry UI"
pnpm --silent --filter @payments-mlops/registry-ui build >/dev/null

stage "starting registry-server, feature-server (with stream ingestion), trainer, ml-serving and model-monitor"
bash infra/local/services.sh up

stage "training, evaluating and registering the four models"
(set -a; source .env.example; if [[ -f .env ]]; then source .env; fi; set +a
  "${TSX[@]}" services/trainer/src/cli/train-models.ts --no-materialize)

stage "waiting for ml-serving to load the champions"
deadline=$((SECONDS + SERVING_READY_TIMEOUT_S))
until curl -fs -m 2 -o /dev/null http://127.0.0.1:8002/readyz; do
  if ((SECONDS >= deadline)); then
    echo "[demo] ml-serving is not ready after ${SERVING_READY_TIMEOUT_S}s:" >&2
    curl -sS -m 2 http://127.0.0.1:8002/readyz >&2 || true
    exit 1
  fi
  sleep 1
done

stage "one request to each endpoint"
(set -a; source .env.example; if [[ -f .env ]]; then source .env; fi; set +a
  "${TSX[@]}" packages/inference-client/src/demo-requests.ts)

cat <<EOF

[demo] done in $((SECONDS - started)) s. The stack keeps running (make status; make down stops it):
  registry UI         http://127.0.0.1:5000/
  ml-serving          http://127.0.0.1:8002/docs     metrics http://127.0.0.1:8002/metrics
  feature-server      http://127.0.0.1:6566/docs     metrics http://127.0.0.1:6566/metrics
  trainer             http://127.0.0.1:8003/docs     jobs    http://127.0.0.1:8003/jobs
  model-monitor       http://127.0.0.1:8004/docs     metrics http://127.0.0.1:8004/metrics
EOF
