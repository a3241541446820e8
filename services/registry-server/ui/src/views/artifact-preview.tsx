import { useEffect, useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { artifactUrl, fetchArtifact } from '../api/registry-api';
import { LineChart, seriesColor } from '../components/line-chart';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatBytes } from '../format';
import { useAsync } from '../use-async';

/** Previews read at most this much: a 2 GB log must not hang the tab. */
const PREVIEW_BYTES = 1024 * 1024;
const IMAGE_BYTES = 20 * 1024 * 1024;

type Kind = 'image' | 'json' | 'table' | 'text' | 'binary';

const IMAGE = /\.(png|jpe?g|gif|webp|svg|bmp)$/i;
const TEXT =
  /(\.(txt|log|md|ya?ml|py|ts|js|sh|toml|cfg|ini|sql|html?|xml|env|properties)|(^|\/)(MLmodel|requirements\.txt|Dockerfile|LICENSE))$/i;

export function kindOf(path: string): Kind {
  if (IMAGE.test(path)) return 'image';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(csv|tsv)$/i.test(path)) return 'table';
  if (TEXT.test(path) || !/\.[^/]+$/.test(path)) return 'text';
  return 'binary';
}

interface Preview {
  kind: Kind;
  size: number;
  truncated: boolean;
  text?: string;
  imageUrl?: string;
}

function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192);
  return head.includes(0);
}

async function loadPreview(url: string, path: string, signal: AbortSignal): Promise<Preview> {
  const kind = kindOf(path);
  if (kind === 'binary') {
    // Only the size: the first bytes of an ONNX or Parquet file tell a reader nothing.
    const head = await fetchArtifact(url, 1, signal);
    return { kind, size: head.size, truncated: true };
  }
  const file = await fetchArtifact(url, kind === 'image' ? IMAGE_BYTES : PREVIEW_BYTES, signal);
  if (kind === 'image') {
    if (file.truncated) return { kind: 'binary', size: file.size, truncated: true };
    const type = path.toLowerCase().endsWith('.svg') ? 'image/svg+xml' : file.type;
    return {
      kind,
      size: file.size,
      truncated: false,
      imageUrl: URL.createObjectURL(new Blob([file.bytes], { type })),
    };
  }
  if (looksBinary(file.bytes))
    return { kind: 'binary', size: file.size, truncated: file.truncated };
  const text = new TextDecoder('utf-8').decode(file.bytes);
  if (kind === 'json' && !file.truncated) {
    try {
      return {
        kind,
        size: file.size,
        truncated: false,
        text: JSON.stringify(JSON.parse(text), null, 2),
      };
    } catch {
      return { kind: 'text', size: file.size, truncated: false, text };
    }
  }
  return {
    kind: kind === 'json' ? 'text' : kind,
    size: file.size,
    truncated: file.truncated,
    text,
  };
}

interface Table {
  header: string[];
  rows: string[][];
}

export function parseDelimited(text: string, delimiter: string): Table {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const [head = '', ...body] = lines;
  return {
    header: head.split(delimiter).map((cell) => cell.trim()),
    rows: body.map((line) => line.split(delimiter).map((cell) => cell.trim())),
  };
}

/**
 * A plot of a table's numeric columns against its first column (an ROC curve's fpr and tpr, a
 * loss curve's step and value), when the first column is numeric and ascending.
 */
export function tablePlot(
  table: Table,
): { data: uPlot.AlignedData; labels: string[]; xLabel: string } | undefined {
  if (table.rows.length < 2 || table.header.length < 2) return undefined;
  const numeric = table.header.map((_, column) =>
    table.rows.every(
      (row) =>
        row[column] !== undefined && row[column] !== '' && Number.isFinite(Number(row[column])),
    ),
  );
  if (!numeric[0]) return undefined;
  const rows = [...table.rows].sort((a, b) => Number(a[0]) - Number(b[0]));
  const columns = table.header
    .map((_, index) => index)
    .filter((index) => index > 0 && numeric[index]);
  if (columns.length === 0) return undefined;
  return {
    data: [
      rows.map((row) => Number(row[0])),
      ...columns.map((column) => rows.map((row) => Number(row[column]))),
    ],
    labels: columns.map((column) => table.header[column]!),
    xLabel: table.header[0]!,
  };
}

function TablePreview({ text, delimiter }: { text: string; delimiter: string }) {
  const table = useMemo(() => parseDelimited(text, delimiter), [text, delimiter]);
  const plot = useMemo(() => tablePlot(table), [table]);
  const series = useMemo(
    () => plot?.labels.map((label, index) => ({ label, color: seriesColor(index) })) ?? [],
    [plot],
  );
  return (
    <>
      {plot ? (
        <figure class="metric-chart" data-testid="artifact-plot">
          <LineChart
            data={plot.data}
            series={series}
            xAxis="step"
            yLabel={plot.labels.length === 1 ? plot.labels[0]! : 'value'}
            height={280}
          />
          <figcaption class="chart-note">
            {plot.labels.join(', ')} against {plot.xLabel}
          </figcaption>
        </figure>
      ) : null}
      <div class="table-scroll">
        <table class="table compact" aria-label="File contents">
          <thead>
            <tr>
              {table.header.map((cell, index) => (
                <th key={index} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.slice(0, 500).map((row, index) => (
              <tr key={index}>
                {row.map((cell, column) => (
                  <td key={column} class="mono">
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {table.rows.length > 500 ? (
        <p class="muted">The first 500 of {table.rows.length.toLocaleString('en-US')} rows.</p>
      ) : null}
    </>
  );
}

/** The chosen artifact: text and JSON as text, CSV as a table (and a plot), images as images. */
export function ArtifactPreview({ artifactUri, path }: { artifactUri: string; path: string }) {
  const url = artifactUrl(artifactUri, path);
  const preview = useAsync(
    async (signal) => (url === undefined ? undefined : loadPreview(url, path, signal)),
    [url, path],
  );
  useEffect(() => {
    const imageUrl = preview.data?.imageUrl;
    return () => {
      if (imageUrl) URL.revokeObjectURL(imageUrl);
    };
  }, [preview.data]);

  if (url === undefined)
    return (
      <Empty title="No preview">
        These artifacts live at {artifactUri}, outside this registry's artifact proxy.
      </Empty>
    );
  if (preview.status === 'loading') return <Loading what={path} />;
  if (preview.status === 'error')
    return (
      <ErrorState error={preview.error} retry={preview.reload} title={`Could not read ${path}`} />
    );
  const file = preview.data!;
  return (
    <article
      class="preview"
      data-testid="artifact-preview"
      data-kind={file.kind}
      aria-label={`Preview of ${path}`}
    >
      <header class="preview-head">
        <h2 class="mono">{path}</h2>
        <span class="muted">{formatBytes(file.size)}</span>
        <a href={url} download class="button secondary">
          Download
        </a>
      </header>
      {file.truncated && file.kind !== 'binary' ? (
        <p class="muted">The first {formatBytes(PREVIEW_BYTES)} of the file.</p>
      ) : null}
      {file.kind === 'image' ? <img src={file.imageUrl} alt={path} class="preview-image" /> : null}
      {file.kind === 'table' ? (
        <TablePreview
          text={file.text ?? ''}
          delimiter={path.toLowerCase().endsWith('.tsv') ? '\t' : ','}
        />
      ) : null}
      {file.kind === 'json' || file.kind === 'text' ? (
        <pre class="preview-text">{file.text}</pre>
      ) : null}
      {file.kind === 'binary' ? <p>A binary file; download it to open it.</p> : null}
    </article>
  );
}
