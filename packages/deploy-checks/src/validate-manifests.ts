import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { platformProblems, type PlatformRuleOptions } from './k8s-platform-rules.js';
import { schemaProblems, type KubernetesObject, type ManifestProblem } from './k8s-schema.js';

/** Parses multi-document YAML into objects; a YAML error is a problem of its own. */
export function parseManifests(text: string, source: string): { objects: KubernetesObject[]; problems: ManifestProblem[] } {
  const objects: KubernetesObject[] = [];
  const problems: ManifestProblem[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      problems.push(...document.errors.map((error) => ({ object: source, message: error.message })));
      continue;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ object: source, message: 'a document is not a Kubernetes object' });
      continue;
    }
    objects.push(value as KubernetesObject);
  }
  return { objects, problems };
}

/** Every problem of one set of manifests (one overlay's build): schema first, then the platform's rules. */
export async function validateManifests(objects: KubernetesObject[], options: PlatformRuleOptions = {}): Promise<ManifestProblem[]> {
  const schema = (await Promise.all(objects.map((object) => schemaProblems(object)))).flat();
  return [...schema, ...platformProblems(objects, options)];
}

export async function validateManifestFile(path: string, options: PlatformRuleOptions = {}): Promise<{ objects: number; problems: ManifestProblem[] }> {
  const parsed = parseManifests(await readFile(path, 'utf8'), path);
  return { objects: parsed.objects.length, problems: [...parsed.problems, ...(await validateManifests(parsed.objects, options))] };
}
