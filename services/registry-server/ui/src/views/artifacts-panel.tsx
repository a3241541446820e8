import type { FileInfo, Run } from '@payments-mlops/contracts';
import { useState } from 'preact/hooks';
import { call } from '../api/registry-api';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatBytes } from '../format';
import { replaceQuery, useLocation } from '../router';
import { useAsync } from '../use-async';
import { ArtifactPreview } from './artifact-preview';

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` is `directory` or lies under it. */
function within(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

function Directory({
  runId,
  path,
  selected,
  depth,
}: {
  runId: string;
  path: string | undefined;
  selected: string | undefined;
  depth: number;
}) {
  const listing = useAsync(
    (signal) => call('listArtifacts', { run_id: runId, ...(path ? { path } : {}) }, signal),
    [runId, path],
  );
  if (listing.status === 'loading') return <Loading what="artifacts" />;
  if (listing.status === 'error')
    return (
      <ErrorState error={listing.error} retry={listing.reload} title="Could not list artifacts" />
    );
  const files = [...(listing.data.files ?? [])].sort(
    (a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path),
  );
  if (files.length === 0)
    return depth === 0 ? (
      <Empty title="No artifacts logged">
        Log some with <code>mlflow.log_artifact()</code>.
      </Empty>
    ) : (
      <p class="muted">Empty folder</p>
    );
  return (
    <ul
      class="tree"
      role={depth === 0 ? 'tree' : 'group'}
      aria-label={depth === 0 ? 'Artifacts' : undefined}
    >
      {files.map((file) => (
        <TreeItem key={file.path} runId={runId} file={file} selected={selected} depth={depth} />
      ))}
    </ul>
  );
}

function TreeItem({
  runId,
  file,
  selected,
  depth,
}: {
  runId: string;
  file: FileInfo;
  selected: string | undefined;
  depth: number;
}) {
  const [open, setOpen] = useState(
    () => selected !== undefined && file.is_dir && within(selected, file.path),
  );
  if (file.is_dir) {
    return (
      <li role="treeitem" aria-expanded={open}>
        <button
          type="button"
          class="tree-row"
          onClick={() => setOpen(!open)}
          data-testid="artifact-dir"
        >
          <span aria-hidden="true" class="tree-mark">
            {open ? '▾' : '▸'}
          </span>
          {baseName(file.path)}/
        </button>
        {open ? (
          <Directory runId={runId} path={file.path} selected={selected} depth={depth + 1} />
        ) : null}
      </li>
    );
  }
  const isSelected = selected === file.path;
  return (
    <li role="treeitem" aria-selected={isSelected}>
      <button
        type="button"
        class={`tree-row ${isSelected ? 'selected' : ''}`}
        onClick={() => replaceQuery({ path: file.path })}
        data-testid="artifact-file"
      >
        <span aria-hidden="true" class="tree-mark" />
        {baseName(file.path)}
        <span class="muted size">{formatBytes(file.file_size)}</span>
      </button>
    </li>
  );
}

/** A run's artifacts as a folder tree (folders list when opened) beside a preview of the chosen file. */
export function ArtifactsPanel({ run }: { run: Run }) {
  const { query } = useLocation();
  const selected = query.get('path') ?? undefined;
  return (
    <div class="split artifacts">
      <nav class="artifact-tree" aria-label="Artifact files">
        <Directory runId={run.info.run_id} path={undefined} selected={selected} depth={0} />
      </nav>
      <div class="artifact-preview">
        {selected ? (
          <ArtifactPreview artifactUri={run.info.artifact_uri ?? ''} path={selected} />
        ) : (
          <Empty title="Choose a file to preview it">
            Text, JSON, CSV, images and plots show here.
          </Empty>
        )}
      </div>
    </div>
  );
}
