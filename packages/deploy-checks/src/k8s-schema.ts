/** One thing wrong with a manifest, named by the object and the field at fault. */
export interface ManifestProblem {
  object: string;
  message: string;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  [field: string]: unknown;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

export function objectName(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name ?? object.metadata?.generateName ?? '?'}`;
}

/**
 * Checks an object against the Kubernetes OpenAPI schema of its apiVersion and kind, as compiled
 * into kubernetes-models (types, formats, required fields, enums; offline). An unknown
 * apiVersion/kind is itself a problem: the cluster would refuse it.
 */
export async function schemaProblems(object: KubernetesObject): Promise<ManifestProblem[]> {
  const name = objectName(object);
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    return [{ object: name, message: 'apiVersion and kind are required' }];
  }
  let models: Record<string, unknown>;
  try {
    models = (await import(/* @vite-ignore */ `kubernetes-models/${object.apiVersion}`)) as Record<string, unknown>;
  } catch {
    return [{ object: name, message: `unknown apiVersion ${object.apiVersion}` }];
  }
  const Model = models[object.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') return [{ object: name, message: `${object.apiVersion} has no kind ${object.kind}` }];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return (error as Error).message.split(/, (?=data)/).map((message) => ({ object: name, message: message.replace(/^data\/?/, '/') }));
  }
}
