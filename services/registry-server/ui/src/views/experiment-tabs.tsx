import { Link, pathOf } from '../router';

/** The experiment's two views, as links: each has its own address to share. */
export function ExperimentTabs({
  experimentId,
  current,
  query = '',
}: {
  experimentId: string;
  current: 'runs' | 'charts';
  query?: string;
}) {
  return (
    <nav class="tabs" aria-label="Experiment views">
      <Link
        href={pathOf('experiments', experimentId)}
        aria-current={current === 'runs' ? 'page' : undefined}
      >
        Runs
      </Link>
      <Link
        href={`${pathOf('experiments', experimentId, 'charts')}${query}`}
        aria-current={current === 'charts' ? 'page' : undefined}
      >
        Charts
      </Link>
    </nav>
  );
}
