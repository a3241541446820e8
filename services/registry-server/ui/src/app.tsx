import { useEffect } from 'preact/hooks';
import { PageHeader } from './components/page';
import { Empty } from './components/states';
import { TokenButton } from './components/token-dialog';
import { Link, matchPath, navigate, useLocation } from './router';
import { ChartsPage } from './views/charts-page';
import { ComparePage } from './views/compare-page';
import { ExperimentsPage } from './views/experiments-page';
import { ModelPage } from './views/model-page';
import { ModelsPage } from './views/models-page';
import { RunPage } from './views/run-page';
import { RunsPage } from './views/runs-page';
import { VersionPage } from './views/version-page';

function NotFound({ path }: { path: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty title={`Nothing lives at ${path}`}>
        Go to the <Link href="/experiments">experiments</Link> or the{' '}
        <Link href="/models">registered models</Link>.
      </Empty>
    </>
  );
}

/** The page for a path; the server answers each of these paths with this app (UI_ROUTES). */
function Page({ path }: { path: string }) {
  let params: Record<string, string> | undefined;
  if (path === '/' || path === '/experiments') return <ExperimentsPage />;
  if ((params = matchPath('/experiments/:id', path))) return <RunsPage experimentId={params.id!} />;
  if ((params = matchPath('/experiments/:id/charts', path)))
    return <ChartsPage experimentId={params.id!} />;
  if ((params = matchPath('/runs/:id', path))) return <RunPage runId={params.id!} tab="overview" />;
  if ((params = matchPath('/runs/:id/metrics', path)))
    return <RunPage runId={params.id!} tab="metrics" />;
  if ((params = matchPath('/runs/:id/artifacts', path)))
    return <RunPage runId={params.id!} tab="artifacts" />;
  if (path === '/compare') return <ComparePage />;
  if (path === '/models') return <ModelsPage />;
  if ((params = matchPath('/models/:name', path))) return <ModelPage name={params.name!} />;
  if ((params = matchPath('/models/:name/versions/:version', path)))
    return <VersionPage name={params.name!} version={params.version!} tab="overview" />;
  if ((params = matchPath('/models/:name/versions/:version/monitoring', path)))
    return <VersionPage name={params.name!} version={params.version!} tab="monitoring" />;
  return <NotFound path={path} />;
}

/** "/" jumps to the page's search box, as in MLflow's and most web apps. */
function useSearchShortcut(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable="true"]');
      if (event.key !== '/' || typing || event.ctrlKey || event.metaKey || event.altKey) return;
      const search = document.querySelector<HTMLInputElement>('[data-search]');
      if (!search) return;
      event.preventDefault();
      search.focus();
      search.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  const { path } = useLocation();
  useSearchShortcut();
  useEffect(() => {
    if (path === '/') navigate('/experiments', { replace: true });
  }, [path]);
  const section = path.startsWith('/models') ? 'models' : 'experiments';
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <Link href="/experiments" class="brand">
          Model registry
        </Link>
        <nav aria-label="Sections" class="app-nav">
          <Link href="/experiments" aria-current={section === 'experiments' ? 'page' : undefined}>
            Experiments
          </Link>
          <Link href="/models" aria-current={section === 'models' ? 'page' : undefined}>
            Models
          </Link>
        </nav>
        <div class="app-header-end">
          <a href="/docs" class="muted">
            API
          </a>
          <TokenButton />
        </div>
      </header>
      <main id="main" key={path}>
        <Page path={path} />
      </main>
    </>
  );
}
