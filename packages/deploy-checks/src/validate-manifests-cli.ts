import { parseArgs } from 'node:util';
import { validateManifestFile } from './validate-manifests.js';

// infra/k8s/validate.sh: one file per built overlay (or a standalone manifest), each checked on its own.
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    autoscaled: { type: 'string', default: '' },
    'external-secrets': { type: 'string', default: '' },
  },
});
const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);
if (positionals.length === 0) {
  console.error('usage: validate-manifests-cli [--autoscaled a,b] [--external-secrets s] FILE...');
  process.exit(2);
}

let failed = 0;
for (const path of positionals) {
  const { objects, problems } = await validateManifestFile(path, { autoscaled: list(values.autoscaled), externalSecrets: list(values['external-secrets']) });
  if (objects === 0) problems.push({ object: path, message: 'no objects' });
  for (const problem of problems) console.log(`${path}: ${problem.object}: ${problem.message}`);
  console.log(`${path}: ${objects} objects, ${problems.length === 0 ? 'valid' : `${problems.length} problems`}`);
  if (problems.length > 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
