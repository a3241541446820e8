import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const UI_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const UI_BUILD_DIR = path.join(UI_DIR, 'dist', 'public');

async function newestSource(): Promise<number> {
  const files = [path.join(UI_DIR, 'index.html'), path.join(UI_DIR, 'vite.config.ts')];
  for (const entry of await readdir(path.join(UI_DIR, 'src'), {
    recursive: true,
    withFileTypes: true,
  })) {
    if (entry.isFile()) files.push(path.join(entry.parentPath, entry.name));
  }
  const times = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs));
  return Math.max(...times);
}

/**
 * Builds the UI unless dist/public is newer than every source file, so the browser tests and the
 * bench always run the UI as written, with or without a `pnpm build` before them.
 */
export async function ensureUiBuilt(): Promise<void> {
  const built = await stat(path.join(UI_BUILD_DIR, 'index.html')).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  if (built > (await newestSource())) return;
  await build({ root: UI_DIR, configFile: path.join(UI_DIR, 'vite.config.ts'), logLevel: 'warn' });
}
