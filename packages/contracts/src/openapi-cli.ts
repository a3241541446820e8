import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPENAPI_DOCUMENTS, serializeOpenApiDocument } from './openapi-documents.js';

/*
 * `openapi-cli.ts generate` writes every document of OPENAPI_DOCUMENTS into
 * packages/contracts/openapi/; `openapi-cli.ts check` exits 1 when a committed file differs from
 * what the schemas generate (CI runs it, as fastify's `test:validator:integrity` does).
 */

// The committed directory, unless a directory is given after the mode (tests use a scratch one).
const OUTPUT_DIRECTORY = process.argv[3] ?? fileURLToPath(new URL('../openapi/', import.meta.url));
const GENERATE_COMMAND = 'pnpm --filter @payments-mlops/contracts openapi:generate';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Paths as the user would type them from where the command runs. */
function shown(file: string): string {
  return relative(process.cwd(), join(OUTPUT_DIRECTORY, file));
}

async function generate(): Promise<void> {
  await mkdir(OUTPUT_DIRECTORY, { recursive: true });
  for (const [file, build] of Object.entries(OPENAPI_DOCUMENTS)) {
    await writeFile(join(OUTPUT_DIRECTORY, file), serializeOpenApiDocument(build()));
    console.log(`wrote ${shown(file)}`);
  }
}

async function check(): Promise<boolean> {
  let upToDate = true;
  for (const [file, build] of Object.entries(OPENAPI_DOCUMENTS)) {
    const committed = await readIfExists(join(OUTPUT_DIRECTORY, file));
    if (committed === serializeOpenApiDocument(build())) {
      console.log(`${shown(file)} is up to date`);
    } else {
      upToDate = false;
      console.error(
        `${shown(file)} ${committed === undefined ? 'is missing' : 'differs from the schemas'}; ` +
          `run \`${GENERATE_COMMAND}\` and commit the result`,
      );
    }
  }
  return upToDate;
}

const mode = process.argv[2];
if (mode === 'generate') {
  await generate();
} else if (mode === 'check') {
  if (!(await check())) process.exitCode = 1;
} else {
  console.error('usage: openapi-cli.ts generate|check [directory]');
  process.exitCode = 2;
}
