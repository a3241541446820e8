# payments-mlops: run `make help` for the list.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export ONNXRUNTIME_NODE_INSTALL := skip
export ONNXRUNTIME_NODE_INSTALL_CUDA := skip

# Run TypeScript entry points from source: workspace packages resolve through their `source` export.
TSX := node --conditions=source --import tsx
# Services started from here take .env.example's local settings, overridden by a .env of your own.
SERVICE_ENV := set -a; source .env.example; if [ -f .env ]; then source .env; fi; set +a;

EVENTS ?= 100000
DAYS ?= 90
SEED ?= 42
RATE ?= 1000
# Where a seeded history starts (ISO date); the simulator's fixed default when empty.
START ?=

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}'

## --- setup -----------------------------------------------------------------
.PHONY: install build compile typecheck lint
install: ## Install the toolchain pieces and the workspace's dependencies
	@command -v pnpm >/dev/null || npm install -g pnpm@10.34.9
	pnpm install --frozen-lockfile
build: ## Compile every package and service (tsc -b)
	pnpm build
compile: ## Compile packages and services only (tsc -b, no UI): the dist/ the benches run, as the images do
	pnpm exec tsc -b
typecheck: ## Type-check the whole workspace
	pnpm typecheck
lint: ## ESLint over the workspace
	pnpm lint

## --- local infrastructure (native, no Docker) -------------------------------
.PHONY: infra-up infra-down infra-status
infra-up: ## Install if missing and start Redis, PostgreSQL, Kafka, MinIO and the Temporal dev server on 127.0.0.1
	bash infra/local/up.sh
	bash infra/local/temporal.sh up
infra-down: ## Stop the local infrastructure
	bash infra/local/temporal.sh down
	bash infra/local/down.sh
infra-status: ## Report what is running and healthy
	bash infra/local/status.sh; rc=$$?; bash infra/local/temporal.sh status && exit $$rc

## --- data ------------------------------------------------------------------
.PHONY: warehouse-migrate seed-data stream-payments
warehouse-migrate: ## Apply the warehouse migrations (payment_events, labels, marts)
	$(TSX) warehouse/src/cli.ts migrate
seed-data: ## Generate payment history into Postgres: EVENTS=… DAYS=… SEED=…
	$(TSX) packages/simulator/src/cli.ts seed --events $(EVENTS) --days $(DAYS) --seed $(SEED) $(if $(START),--start $(START))
stream-payments: ## Publish live payments to Kafka payments.normalized: RATE=… (events/s) DURATION=… (s)
	$(TSX) packages/simulator/src/cli.ts stream --rate $(RATE) --seed $(SEED) $(if $(DURATION),--duration $(DURATION))

## --- features ----------------------------------------------------------------
.PHONY: features-plan features-apply materialize
features-plan: ## Show what features-apply would change
	$(TSX) packages/feature-store/src/cli.ts plan
features-apply: ## Validate feature-repo/, show what changes, store a new registry version
	$(TSX) packages/feature-store/src/cli.ts apply
materialize: ## Load the warehouse into Redis, each view from its last recorded end time
	$(TSX) packages/feature-store/src/cli.ts materialize-incremental

## --- services (native) -----------------------------------------------------
.PHONY: feature-server registry-server
feature-server: ## feature-server (Feast-compatible online features, streaming ingestion) on :6566
	$(SERVICE_ENV) $(TSX) services/feature-server/src/main.ts
registry-server: ## registry-server (MLflow REST API 2.0 and UI) on :5000
	$(SERVICE_ENV) $(TSX) services/registry-server/src/main.ts

## --- benchmarks (each prints its figures beside the anchor its issue names) --
.PHONY: browser
browser: ## Install Debian's Chromium for the registry UI's browser tests (idempotent)
	bash infra/local/browser.sh

BENCH_ROWS ?= 1000000
.PHONY: bench-boosting bench-features bench-registry bench-ui
bench-boosting: ## packages/boosting vs LightGBM 4.6, one thread each, 200 rounds: BENCH_ROWS=…
	$(TSX) bench/boosting/bench.ts --rows $(BENCH_ROWS)
bench-features: infra-up compile ## Feature store figures beside Feast's published ones (QUICK=1 for a short run)
	$(TSX) bench/features/bench.ts $(if $(QUICK),--quick)
bench-registry: infra-up ## registry-server beside MLflow's own server on the same Postgres
	$(TSX) bench/registry/bench.ts
bench-ui: infra-up browser ## Registry UI in headless Chromium: first runs page over 25,000 runs, a 10 × 10,000-point chart
	$(TSX) bench/registry-ui/bench.ts

## --- ml-serving (issue 8) -------------------------------------------------
.PHONY: ml-serving bench-serving bench-request-validation
ml-serving: ## ml-serving (the four inference endpoints on registry models and online features) on :8002
	$(SERVICE_ENV) $(TSX) services/ml-serving/src/main.ts
bench-serving: infra-up compile ## The four endpoints at 2,000 req/s and their highest rate under 50 ms p99, beside FastAPI + onnxruntime + redis-py; swap under load (QUICK=1 for a short run)
	$(TSX) bench/serving/bench.ts $(if $(QUICK),--quick)
bench-request-validation: ## An inference body checked by zod and by service-kit's compiled accepter, hot and with caches evicted (no infrastructure)
	$(TSX) bench/serving/request-validation.ts

## --- the main job ----------------------------------------------------------
.PHONY: setup demo
setup: install infra-up warehouse-migrate ## Install everything and start the infrastructure
# The demo's history ends today, so what it materializes is fresh for online reads.
demo: setup features-apply ## Fresh machine to four answering endpoints: data, features, services, four trained models, sample requests
	EVENTS=$(EVENTS) DAYS=$(DAYS) SEED=$(SEED) bash infra/local/demo.sh

## --- packaging: Docker Compose, native equivalents, Temporal, Kubernetes ----
# With Docker: the infrastructure and the four services in containers (docker-compose.mlops.yml).
# docker-compose 1.29 when installed, else Compose v2's `docker compose`; BuildKit for the multi-stage builds.
COMPOSE_BIN ?= $(shell command -v docker-compose >/dev/null 2>&1 && echo docker-compose || echo docker compose)
COMPOSE := DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 $(COMPOSE_BIN) -f docker-compose.yml -f docker-compose.mlops.yml --profile mlops
.PHONY: mlops-up mlops-down mlops-logs feast-apply mlflow-ui up down logs status temporal-up payment-worker demo-requests demo-workflow validate-compose validate-k8s
mlops-up: ## Docker: build and start the infrastructure and the ML services (registry on :5001)
	$(COMPOSE) up -d --build
mlops-down: ## Docker: stop and remove the containers (volumes are kept)
	$(COMPOSE) down
mlops-logs: ## Docker: follow the ML services' logs
	$(COMPOSE) logs -f --tail=100 feature-server registry-server trainer ml-serving model-monitor
feast-apply: features-apply ## The plan's name for features-apply
mlflow-ui: ## Where the registry UI is (native :5000, Docker :5001); starts the native registry when neither answers
	@if curl -fsS -m 2 -o /dev/null http://127.0.0.1:5000/healthz; then echo "registry UI: http://127.0.0.1:5000/"; \
	elif curl -fsS -m 2 -o /dev/null http://127.0.0.1:5001/healthz; then echo "registry UI: http://127.0.0.1:5001/"; \
	else echo "registry UI: http://127.0.0.1:5000/ (starting registry-server)"; $(MAKE) --no-print-directory registry-server; fi
# Without Docker: the same stack as native processes.
up: infra-up ## Native: start the infrastructure, then the ML services in the background
	bash infra/local/services.sh up
down: ## Native: stop the ML services, then the infrastructure
	bash infra/local/services.sh down
	$(MAKE) --no-print-directory infra-down
logs: ## Native: follow the ML services' logs (.data/logs/)
	bash infra/local/services.sh logs
status: ## Native: infrastructure, Temporal and the ML services, healthy or not
	-@bash infra/local/status.sh
	-@bash infra/local/temporal.sh status
	-@bash infra/local/services.sh status
temporal-up: ## Build (first time, minutes) and start the Temporal dev server on 127.0.0.1:7233
	bash infra/local/temporal.sh up
payment-worker: temporal-up ## Run the payment workflow worker against Temporal and ml-serving
	$(SERVICE_ENV) $(TSX) packages/payment-workflows/src/worker-main.ts
demo-requests: ## Send the contract examples to the four endpoints of ml-serving and print the answers
	$(SERVICE_ENV) $(TSX) packages/inference-client/src/demo-requests.ts
demo-workflow: temporal-up ## Two payments through the Temporal payment workflow against ml-serving (a stand-in gateway declines the renewal)
	$(SERVICE_ENV) $(TSX) packages/payment-workflows/src/demo-workflow.ts
validate-compose: ## docker-compose config for both files (installs docker-compose 1.29 when missing)
	bash infra/docker/validate-compose.sh
validate-k8s: ## Build the kustomize overlays and check every manifest against the Kubernetes schemas, offline
	bash infra/k8s/validate.sh

## --- trainer (training jobs, schedule, retraining webhook) ---------------------
.PHONY: trainer train-models bench-training
trainer: ## trainer (training jobs API, schedule, retraining webhook) on :8003
	$(SERVICE_ENV) $(TSX) services/trainer/src/main.ts
train-models: ## Train, evaluate and register the four models against the running stack (registry-server up); TASKS=fraud,churn
	$(SERVICE_ENV) $(TSX) services/trainer/src/cli/train-models.ts $(if $(TASKS),--tasks $(TASKS)) $(if $(NO_MATERIALIZE),--no-materialize)
bench-training: infra-up ## All four models from 1M simulated events, per step, beside LightGBM on the same snapshot (QUICK=1: 200k)
	$(TSX) bench/training/bench.ts $(if $(QUICK),--quick)

## --- tests -----------------------------------------------------------------
.PHONY: test test-unit test-int fuzz-api
VITEST_ARGS ?=
test: install infra-up browser ## Run every test against the real services (starts them when needed)
	pnpm test $(VITEST_ARGS)
test-unit: ## Unit tests only (no services needed)
	pnpm test:unit $(VITEST_ARGS)
test-int: infra-up browser ## Integration tests only (real Redis, PostgreSQL, Kafka, MinIO)
	pnpm test:int $(VITEST_ARGS)
# CI runs the same test with 40 requests per operation and a fixed seed.
FUZZ_EXAMPLES ?= 200
fuzz-api: infra-up ## Each service's HTTP API fuzzed against its OpenAPI document by schemathesis, in a sandbox: FUZZ_EXAMPLES=… FUZZ_SEED=…
	API_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) API_FUZZ_SEED=$${FUZZ_SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')} \
	  pnpm exec vitest run --project integration packages/api-conformance

## --- monitoring (prediction log, drift, performance, alert rules) ------------
.PHONY: monitor test-alert-rules bench-drift bench-prediction-log
monitor: infra-up ## The model monitor on :8004: prediction-log sink, drift and performance API, gauges
	$(SERVICE_ENV) $(TSX) services/model-monitor/src/main.ts
test-alert-rules: ## promtool/amtool: check and unit-test the alert rules, check the Alertmanager routing (installs them if missing)
	bash infra/local/prometheus.sh
	promtool check rules infra/prometheus/rules/*.yml
	promtool test rules infra/prometheus/tests/*.yml
	promtool check config --syntax-only infra/prometheus/prometheus.yml
	amtool check-config infra/prometheus/alertmanager.yml
	# Routing: the degradation alert reaches the trainer's webhook, drift alerts do not.
	amtool config routes test --config.file=infra/prometheus/alertmanager.yml --verify.receivers=trainer-retrain \
		alertname=ModelPrimaryMetricDegraded retrain=true model=fraud-detector
	amtool config routes test --config.file=infra/prometheus/alertmanager.yml --verify.receivers=default \
		alertname=ModelDatasetDrift model=fraud-detector
bench-drift: infra-up ## Drift over 100,000 predictions × 30 features vs the 1 s target (from columns and from the Postgres log), beside Evidently (QUICK=1)
	EVIDENTLY_PYTHON="$$(bash infra/local/python-venv.sh evidently 'evidently==0.7.23' 'pandas==2.2.3')/bin/python" \
		$(TSX) bench/drift/bench.ts $(if $(QUICK),--quick)
bench-prediction-log: infra-up ## The prediction-log publisher: record() cost per prediction, predictions/s to Kafka (QUICK=1)
	$(TSX) bench/prediction-log/bench.ts $(if $(QUICK),--quick)
