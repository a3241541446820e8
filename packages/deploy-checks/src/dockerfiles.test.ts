import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { copySources, parseDockerfile } from './dockerfile.js';
import { serviceDockerfileProblems, workspacePackageNames } from './service-dockerfile-rules.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const SERVICES = ['feature-server', 'registry-server', 'trainer', 'ml-serving', 'model-monitor'];

describe('parseDockerfile', () => {
  const parsed = parseDockerfile(
    ['# comment', 'ARG NODE_IMAGE=node:20.1.2-bookworm-slim', 'FROM ${NODE_IMAGE} AS build', 'RUN a \\', '  # inside', ' && b', 'COPY --from=build --chown=node:node /out /app', 'FROM build'].join('\n'),
  );

  it('expands global ARGs in FROM and names the stages', () => {
    expect(parsed.stages.map((s) => [s.image, s.name])).toEqual([
      ['node:20.1.2-bookworm-slim', 'build'],
      ['build', undefined],
    ]);
  });

  it('joins continuation lines, skipping comments between them, and keeps the first line number', () => {
    expect(parsed.instructions.find((i) => i.keyword === 'RUN')).toMatchObject({ args: 'a && b', line: 4, stage: 0 });
  });

  it('reads COPY flags, sources and destination', () => {
    expect(copySources(parsed.instructions.find((i) => i.keyword === 'COPY')!)).toEqual({ from: 'build', sources: ['/out'], destination: '/app' });
  });
});

describe('infra/docker Dockerfiles', () => {
  it('there is one per service, and no other', () => {
    const files = readdirSync(path.join(repoRoot, 'infra/docker')).filter((f) => f.endsWith('.Dockerfile'));
    expect(files.sort()).toEqual(SERVICES.map((s) => `${s}.Dockerfile`).sort());
  });

  it('knows the workspace packages the filters may name', () => {
    expect(workspacePackageNames(repoRoot)).toEqual(expect.any(Set));
    expect([...workspacePackageNames(repoRoot)]).toEqual(expect.arrayContaining(['@payments-mlops/registry-ui', '@payments-mlops/ml-serving']));
  });

  it.each(SERVICES)('%s.Dockerfile builds its own package, runs it as non-root under tini with a /healthz check on its port', (service) => {
    expect(serviceDockerfileProblems(repoRoot, service)).toEqual([]);
  });
});

describe('serviceDockerfileProblems on a broken Dockerfile', () => {
  it('names each rule it breaks', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'dockerfile-check-'));
    for (const file of ['pnpm-workspace.yaml', 'pnpm-lock.yaml', 'patches', 'services/ml-serving/package.json', 'services/ml-serving/tsconfig.json', 'services/ml-serving/src/config.ts', 'services/ml-serving/src/main.ts']) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      cpSync(path.join(repoRoot, file), path.join(root, file), { recursive: true });
    }
    const broken = readFileSync(path.join(repoRoot, 'infra/docker/ml-serving.Dockerfile'), 'utf8')
      .replace('node:20.20.2-bookworm-slim', 'node:20-slim')
      .replace('COPY pnpm-lock.yaml pnpm-workspace.yaml ./', 'COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc-missing ./')
      .replace('--filter @payments-mlops/ml-serving', '--filter @payments-mlops/ml-servin')
      .replace('USER node', 'USER root')
      .replace('EXPOSE 8002', 'EXPOSE 8080')
      .replace('"/usr/bin/tini", "--"', '"node"');
    mkdirSync(path.join(root, 'infra/docker'), { recursive: true });
    writeFileSync(path.join(root, 'infra/docker/ml-serving.Dockerfile'), broken);
    expect(serviceDockerfileProblems(root, 'ml-serving')).toEqual([
      'stage pnpm is based on node:20-slim, not a pinned node:20.x.y-bookworm-slim',
      'stage runtime is based on node:20-slim, not a pinned node:20.x.y-bookworm-slim',
      expect.stringMatching(/COPY source \.npmrc-missing does not exist/),
      'pnpm deploy --prod must filter @payments-mlops/ml-serving',
      '--filter @payments-mlops/ml-servin names no workspace package',
      'the runtime stage must run as a non-root USER',
      'the runtime ENTRYPOINT must be tini',
      'ENV PORT (8002) and EXPOSE (8080) must be the config.ts default 8002',
    ]);
  });
});
