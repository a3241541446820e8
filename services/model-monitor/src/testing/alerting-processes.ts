import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, REPO_ROOT, waitFor } from '@payments-mlops/test-infra';

export const ALERTMANAGER_CONFIG = path.join(REPO_ROOT, 'infra/prometheus/alertmanager.yml');
export const MODEL_QUALITY_RULES = path.join(REPO_ROOT, 'infra/prometheus/rules/model-quality.yml');

/** Debian's Prometheus (2.42) and Alertmanager (0.25); the script installs them when missing. */
export function installPrometheus(): void {
  execFileSync('bash', [path.join(REPO_ROOT, 'infra/local/prometheus.sh')], { stdio: 'ignore' });
}

export interface AlertingProcess {
  url: string;
  /** Everything written under its directory (config, storage); removed by stop. */
  dir: string;
  stop(): Promise<void>;
}

async function startProcess(command: string, args: (dir: string, port: number) => string[], files: Record<string, string>, name: string): Promise<AlertingProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), `${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(command, args(dir, port), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
    }, { timeoutMs: 30_000, intervalMs: 100, description: `${name} ready` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dir, stop };
}

/** The project's routing (alertmanager.yml) pointed at `trainerUrl`, without the 30 s group wait. */
export function alertmanagerConfigFor(trainerUrl: string): string {
  return readFileSync(ALERTMANAGER_CONFIG, 'utf8').replace('http://trainer:8003', trainerUrl).replace('group_wait: 30s', 'group_wait: 1s');
}

export function startAlertmanager(config: string): Promise<AlertingProcess> {
  return startProcess(
    'prometheus-alertmanager',
    (dir, port) => [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    { 'alertmanager.yml': config },
    'alertmanager',
  );
}

/**
 * The model-quality rules with every `for:` shortened to `forDuration`: the expressions, labels
 * and annotations are the file's own, so the test fires the rule that ships.
 */
export function modelQualityRulesWith(forDuration: string): string {
  return readFileSync(MODEL_QUALITY_RULES, 'utf8').replace(/^(\s+)for: \S+$/gm, `$1for: ${forDuration}`);
}

export interface PrometheusOptions {
  /** host:port of each target, scraped at /metrics. */
  targets: Record<string, string>;
  alertmanager: string;
  rules: string;
  /** Scrape and rule-evaluation interval (the project's is 15 s). */
  interval: string;
}

export function startPrometheus(options: PrometheusOptions): Promise<AlertingProcess> {
  const config = [
    `global: { scrape_interval: ${options.interval}, evaluation_interval: ${options.interval} }`,
    `alerting: { alertmanagers: [{ static_configs: [{ targets: ["${new URL(options.alertmanager).host}"] }] }] }`,
    'rule_files: [rules.yml]',
    'scrape_configs:',
    ...Object.entries(options.targets).map(([job, target]) => `  - { job_name: ${job}, static_configs: [{ targets: ["${target}"] }] }`),
  ].join('\n');
  return startProcess(
    'prometheus',
    (dir, port) => [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Alerts are sent again every minute by default; the first send is what the test waits for.
      '--rules.alert.resend-delay=1s',
    ],
    { 'prometheus.yml': config, 'rules.yml': options.rules },
    'prometheus',
  );
}

/** Prometheus' view of one alert: its state and when it became active. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export async function prometheusAlerts(prometheus: AlertingProcess): Promise<PrometheusAlert[]> {
  const response = await fetch(`${prometheus.url}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: PrometheusAlert[] } };
  return body.data.alerts;
}
