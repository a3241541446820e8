import type { DriftReport, PerformanceReport } from '@payments-mlops/contracts';
import { useState } from 'preact/hooks';
import { ApiError, fetchMonitoringReport } from '../api/registry-api';
import { Section } from '../components/page';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatTime, pluralize } from '../format';
import { deriveAlerts } from '../monitoring/alerts';
import { formatMetric, formatShare } from '../monitoring/drift-rows';
import { useAsync } from '../use-async';
import { DriftTable } from './drift-table';
import { PerformanceHistory, loadPerformanceReports } from './performance-history';

const windowText = (window: { from: string; to: string }) =>
  `${formatTime(Date.parse(window.from))} – ${formatTime(Date.parse(window.to))}`;

/**
 * model-monitor is down, slow, or cannot answer (its registry is away): say where the registry
 * looked, in registry-server's words, and that the rest still works.
 */
function MonitorUnreachable({ error, retry }: { error: ApiError; retry: () => void }) {
  const away = /not reachable|did not answer/.test(error.message);
  return (
    <div class="state state-error" role="alert" data-testid="monitor-unreachable">
      <strong>{away ? 'Model monitor not reachable' : 'Model monitor cannot answer'}</strong>
      <p>{error.message}</p>
      <p class="muted">
        The registry reads drift and performance from model-monitor (its MODEL_MONITOR_URL setting).
        Everything else about this version works without it.
      </p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

function Alerts({ drift, performance }: { drift: DriftReport; performance: PerformanceReport }) {
  const alerts = deriveAlerts(drift, performance);
  return (
    <>
      <p class="muted">
        Derived from model-monitor's current reports by the conditions of the Prometheus alert rules
        (infra/prometheus/rules/model-quality.yml), not read from Alertmanager, which fires them
        only once they have held for 15 to 30 minutes.
      </p>
      {alerts.length === 0 ? (
        <Empty title="No alert condition holds" />
      ) : (
        <ul class="alert-list" aria-label="Alert conditions">
          {alerts.map((alert) => (
            <li
              key={`${alert.rule}:${alert.summary}`}
              class={`alert alert-${alert.severity}`}
              data-testid="alert"
            >
              <span class={`badge severity-${alert.severity}`}>{alert.severity}</span>{' '}
              <strong class="mono">{alert.rule}</strong> {alert.summary}
              {alert.retrain ? <span class="chip">starts retraining</span> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function DriftSummary({ drift }: { drift: DriftReport }) {
  const drifted = drift.features.filter((f) => f.drifted).length;
  return (
    <p class="monitor-summary" data-testid="drift-summary">
      <span class={`badge verdict ${drift.dataset_drift ? 'drift-yes' : 'drift-no'}`}>
        {drift.dataset_drift ? 'Dataset drift' : 'No dataset drift'}
      </span>{' '}
      {drifted} of {pluralize(drift.features.length, 'feature')} drifted (
      {formatShare(drift.drifted_share)}) · {pluralize(drift.window.rows, 'prediction')} from{' '}
      {windowText(drift.window)}
    </p>
  );
}

function PerformanceSummary({ report }: { report: PerformanceReport }) {
  const metric = report.primary_metric;
  const realized = report.realized[metric as keyof PerformanceReport['realized']];
  const degradation = report.degradation;
  return (
    <p class="monitor-summary" data-testid="performance-summary">
      <strong>{metric}</strong> {formatMetric(realized)} on{' '}
      {pluralize(report.realized.rows, 'labelled prediction')} ({windowText(report.window)}), test
      value {formatMetric(report.test_metrics[metric])}
      {degradation !== null ? (
        <>
          {' '}
          ·{' '}
          <span class={degradation > 0.1 ? 'degraded' : undefined}>
            {formatShare(degradation)} below test
          </span>
        </>
      ) : null}{' '}
      · CBPE estimate: ROC AUC {formatMetric(report.estimated.roc_auc)}, accuracy{' '}
      {formatMetric(report.estimated.accuracy)} on the last{' '}
      {pluralize(report.estimated.rows, 'prediction')}
    </p>
  );
}

/**
 * A version's Monitoring tab, from model-monitor through registry-server: the alert conditions
 * that hold, drift per feature against the version's reference profile, and performance over
 * time against its test metric.
 */
export function MonitoringPanel({ name, version }: { name: string; version: string }) {
  const [days, setDays] = useState(7);
  const drift = useAsync(
    (signal) => fetchMonitoringReport('drift', name, version, {}, signal),
    [name, version],
  );
  const performance = useAsync(
    (signal) => loadPerformanceReports(name, version, days, signal),
    [name, version, days],
  );
  const retry = () => {
    drift.reload();
    performance.reload();
  };
  const failure = drift.error ?? performance.error;
  if (failure instanceof ApiError && failure.status === 503)
    return <MonitorUnreachable error={failure} retry={retry} />;
  if (failure instanceof ApiError && failure.status === 404)
    return (
      <Empty title={`model-monitor has nothing on ${name} version ${version}`}>
        {failure.message}
      </Empty>
    );

  return (
    <div data-testid="monitoring">
      <Section title="Alerts" id="alerts">
        {drift.status === 'ok' && performance.status === 'ok' ? (
          <Alerts drift={drift.data} performance={performance.data.current} />
        ) : (
          <Loading what="alert conditions" />
        )}
      </Section>
      <Section title="Data drift" id="drift">
        {drift.status === 'loading' ? <Loading what="drift" /> : null}
        {drift.status === 'error' ? (
          <ErrorState error={drift.error} retry={drift.reload} title="Could not load drift" />
        ) : null}
        {drift.status === 'ok' ? (
          <>
            <DriftSummary drift={drift.data} />
            <DriftTable rows={drift.data.features} label="Feature drift" />
            <details class="score-drift">
              <summary>
                Prediction score drift ({pluralize(drift.data.scores.length, 'class', 'classes')})
              </summary>
              <DriftTable rows={drift.data.scores} label="Score drift" />
            </details>
          </>
        ) : null}
      </Section>
      <Section title="Performance over time" id="performance">
        {performance.status === 'loading' ? <Loading what="performance" /> : null}
        {performance.status === 'error' ? (
          <ErrorState
            error={performance.error}
            retry={performance.reload}
            title="Could not load performance"
          />
        ) : null}
        {performance.status === 'ok' ? (
          <>
            <PerformanceSummary report={performance.data.current} />
            <PerformanceHistory
              reports={performance.data.windows}
              primaryMetric={performance.data.current.primary_metric}
              days={days}
              onDays={setDays}
            />
          </>
        ) : null}
      </Section>
    </div>
  );
}
