# syntax=docker/dockerfile:1.7
# feature-server: Feast-compatible online features, stream ingestion and scheduled materialization.
# Build from the repository root (docker-compose.mlops.yml does):
#   docker build -f infra/docker/feature-server.Dockerfile -t payments-mlops/feature-server .
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
RUN npm install -g pnpm@10.34.9 && pnpm config set store-dir /pnpm/store
WORKDIR /repo

# The lockfile (and the dependency patches it names) alone decide this layer: the package store is fetched again only when dependencies change.
FROM pnpm AS fetch
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
COPY patches ./patches
RUN pnpm fetch

FROM fetch AS build
COPY . .
RUN pnpm install --offline --frozen-lockfile
RUN pnpm exec tsc -b services/feature-server
# Only what the service needs at run time: its production dependencies, workspace packages
# injected as copies with their dist/, pinned by the lockfile. Tests, type declarations and
# onnxruntime's macOS and Windows binaries (about 220 MB) go.
RUN pnpm --filter @payments-mlops/feature-server --config.inject-workspace-packages=true deploy --prod --offline /out \
 && find /out -name '*.test.*' -delete \
 && find /out -name '*.d.ts' -delete \
 && find /out -name '*.d.ts.map' -delete \
 && rm -rf /out/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/darwin \
           /out/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v*/win32

FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0 PORT=6566
WORKDIR /app
COPY --from=build --chown=node:node /out /app
USER node
EXPOSE 6566
# /healthz checks nothing external: a failing check means this process, not a dependency, is stuck.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini reaps children and forwards SIGTERM, so the service's graceful shutdown runs.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
