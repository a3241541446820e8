import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { copySources, parseDockerfile } from './dockerfile.js';

/** The base image every service builds and runs on: Node 20 on Debian 12, pinned to a patch release. */
export const NODE_IMAGE_PATTERN = /^node:20\.\d+\.\d+-bookworm-slim$/;

/**
 * What infra/docker/<service>.Dockerfile must do, checked against the repository it builds: the
 * base image is pinned; every COPY source exists; the filters name the service's own package;
 * the runtime stage runs as a non-root user under tini, checks /healthz, exposes and sets the port
 * the service's config.ts defaults to, and starts the compiled src/main.ts.
 */
export function serviceDockerfileProblems(repoRoot: string, service: string): string[] {
  const problems: string[] = [];
  const file = path.join(repoRoot, 'infra/docker', `${service}.Dockerfile`);
  const dockerfile = parseDockerfile(readFileSync(file, 'utf8'));
  const serviceDir = path.join(repoRoot, 'services', service);
  const packageName = (JSON.parse(readFileSync(path.join(serviceDir, 'package.json'), 'utf8')) as { name: string }).name;

  const earlier = new Set<string>();
  for (const stage of dockerfile.stages) {
    if (stage.name) earlier.add(stage.name);
    if (earlier.has(stage.image)) continue;
    if (!NODE_IMAGE_PATTERN.test(stage.image)) problems.push(`stage ${stage.name ?? '?'} is based on ${stage.image}, not a pinned node:20.x.y-bookworm-slim`);
  }
  const stageNames = new Set(dockerfile.stages.map((stage) => stage.name));
  for (const instruction of dockerfile.instructions.filter((i) => i.keyword === 'COPY')) {
    const { from, sources } = copySources(instruction);
    if (from === undefined) {
      for (const source of sources) {
        if (!existsSync(path.join(repoRoot, source))) problems.push(`line ${instruction.line}: COPY source ${source} does not exist`);
      }
    } else if (!stageNames.has(from)) {
      problems.push(`line ${instruction.line}: COPY --from=${from} names no stage`);
    } else {
      // Paths in the build stage are the repository under /repo; built output must come from a package that exists.
      for (const source of sources.filter((s) => s.startsWith('/repo/'))) {
        const packageDir = source.slice('/repo/'.length).split('/dist/')[0]!;
        if (!existsSync(path.join(repoRoot, packageDir, 'package.json'))) problems.push(`line ${instruction.line}: COPY --from=${from} ${source}: no package at ${packageDir}`);
      }
    }
  }

  const runs = dockerfile.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const filters = runs.flatMap((run) => [...run.matchAll(/--filter\s+(\S+)/g)].map((m) => m[1]!));
  const deploy = runs.find((run) => /\bdeploy\b/.test(run));
  if (!deploy?.includes(`--filter ${packageName}`) || !deploy.includes('--prod')) problems.push(`pnpm deploy --prod must filter ${packageName}`);
  const workspace = workspacePackageNames(repoRoot);
  for (const filter of filters) {
    if (!workspace.has(filter)) problems.push(`--filter ${filter} names no workspace package`);
  }
  if (!runs.some((run) => run.includes(`tsc -b services/${service}`))) problems.push(`the build stage must compile services/${service} (tsc -b)`);
  if (!existsSync(path.join(serviceDir, 'tsconfig.json'))) problems.push(`services/${service}/tsconfig.json is missing`);

  const runtime = dockerfile.stages[dockerfile.stages.length - 1];
  const last = (keyword: string) => runtime?.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
  const user = last('USER');
  if (!user || user === 'root' || user === '0') problems.push('the runtime stage must run as a non-root USER');
  if (!last('ENTRYPOINT')?.includes('tini')) problems.push('the runtime ENTRYPOINT must be tini');
  if (!last('HEALTHCHECK')?.includes('/healthz')) problems.push('the runtime stage needs a HEALTHCHECK on /healthz');
  const cmd = last('CMD') ?? '';
  if (!cmd.includes('dist/main.js') || !existsSync(path.join(serviceDir, 'src/main.ts'))) problems.push(`CMD must start dist/main.js, compiled from services/${service}/src/main.ts`);

  const configPort = /PORT:\s*envInteger\([^)]*\)\.default\((\d[\d_]*)\)/.exec(readFileSync(path.join(serviceDir, 'src/config.ts'), 'utf8'))?.[1]?.replace(/_/g, '');
  const envPort = /\bPORT=(\d+)/.exec(runtime?.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ') ?? '')?.[1];
  const exposed = last('EXPOSE');
  if (configPort === undefined) problems.push(`services/${service}/src/config.ts sets no default PORT`);
  else if (envPort !== configPort || exposed !== configPort) problems.push(`ENV PORT (${envPort}) and EXPOSE (${exposed}) must be the config.ts default ${configPort}`);
  return problems;
}

/** The names of the workspace's packages, from pnpm-workspace.yaml's globs (`dir/*` or a plain dir). */
export function workspacePackageNames(repoRoot: string): Set<string> {
  const globs = (parseYaml(readFileSync(path.join(repoRoot, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] }).packages;
  const dirs = globs.flatMap((glob) => expandGlob(repoRoot, glob.split('/')));
  const names = new Set<string>();
  for (const dir of dirs) {
    const manifest = path.join(repoRoot, dir, 'package.json');
    if (existsSync(manifest)) names.add((JSON.parse(readFileSync(manifest, 'utf8')) as { name: string }).name);
  }
  return names;
}

function expandGlob(repoRoot: string, parts: string[], prefix = ''): string[] {
  const [head, ...rest] = parts;
  if (head === undefined) return [prefix];
  if (head !== '*') return expandGlob(repoRoot, rest, path.join(prefix, head));
  const base = path.join(repoRoot, prefix);
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules')
    .flatMap((entry) => expandGlob(repoRoot, rest, path.join(prefix, entry.name)));
}
