import { objectName, type KubernetesObject, type ManifestProblem } from './k8s-schema.js';

/*
 * The platform's own rules over a built set of manifests, beyond what the schema can say: probes
 * on the services' health endpoints, resource requests, and references (HPA targets, Service and
 * PDB selectors, ConfigMaps and Secrets) that resolve inside the set.
 */

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: { cpu?: unknown; memory?: unknown }; limits?: { memory?: unknown } };
  livenessProbe?: { httpGet?: { path?: string } };
  readinessProbe?: { httpGet?: { path?: string } };
}
interface PodSpec {
  containers: Container[];
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: PodSpec;
}

export interface PlatformRuleOptions {
  /** Deployments that must have a HorizontalPodAutoscaler. */
  autoscaled?: string[];
  /** Secrets provided by the cluster's secret store rather than by these manifests. */
  externalSecrets?: string[];
}

function podTemplate(object: KubernetesObject): PodTemplate | undefined {
  const spec = object.spec as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
  if (object.kind === 'Deployment' || object.kind === 'StatefulSet' || object.kind === 'Job') return spec?.template;
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template;
  return undefined;
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

export function platformProblems(objects: KubernetesObject[], options: PlatformRuleOptions = {}): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const named = (kind: string) => new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata.name ?? '', o]));
  const deployments = named('Deployment');
  const configMaps = named('ConfigMap');
  const secrets = named('Secret');
  const external = new Set(options.externalSecrets ?? []);
  const templates = objects.flatMap((object) => {
    const template = podTemplate(object);
    return template ? [{ object, template }] : [];
  });

  for (const { object, template } of templates) {
    const name = objectName(object);
    for (const container of template.spec.containers ?? []) {
      const where = `containers[${container.name}]`;
      if (!container.image) problems.push({ object: name, message: `${where}.image is required` });
      if (!container.resources?.requests?.cpu || !container.resources.requests.memory) {
        problems.push({ object: name, message: `${where}.resources.requests needs cpu and memory, so the scheduler and the HPA can work` });
      }
      if (!container.resources?.limits?.memory) problems.push({ object: name, message: `${where}.resources.limits.memory is required` });
      for (const source of container.envFrom ?? []) {
        const configMap = source.configMapRef?.name;
        const secret = source.secretRef?.name;
        if (configMap && !configMaps.has(configMap)) problems.push({ object: name, message: `${where} reads ConfigMap ${configMap}, which is not in the set` });
        if (secret && !secrets.has(secret) && !external.has(secret)) problems.push({ object: name, message: `${where} reads Secret ${secret}, which is not in the set nor declared external` });
      }
      if (object.kind === 'Deployment') {
        if (container.livenessProbe?.httpGet?.path !== '/healthz') problems.push({ object: name, message: `${where}.livenessProbe must GET /healthz (it checks nothing external)` });
        if (container.readinessProbe?.httpGet?.path !== '/readyz') problems.push({ object: name, message: `${where}.readinessProbe must GET /readyz (dependencies and loaded models)` });
      }
    }
  }

  const deploymentLabels = [...deployments.values()].map((d) => podTemplate(d)?.metadata?.labels);
  for (const object of objects) {
    const name = objectName(object);
    if (object.kind === 'HorizontalPodAutoscaler') {
      const spec = object.spec as { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number };
      const target = spec.scaleTargetRef;
      if (target?.kind !== 'Deployment' || !deployments.has(target.name ?? '')) problems.push({ object: name, message: `scaleTargetRef ${target?.kind}/${target?.name} is not a Deployment in the set` });
      if ((spec.minReplicas ?? 1) > (spec.maxReplicas ?? 0)) problems.push({ object: name, message: 'minReplicas exceeds maxReplicas' });
    }
    if (object.kind === 'Service') {
      const selector = (object.spec as { selector?: Record<string, string> }).selector;
      if (!deploymentLabels.some((labels) => matches(selector, labels))) problems.push({ object: name, message: 'selector matches no Deployment pod template' });
      // A batch pod has no readiness probe, so a Service that selects it would send it traffic.
      for (const { object: batch, template } of templates) {
        if ((batch.kind === 'Job' || batch.kind === 'CronJob') && matches(selector, template.metadata?.labels)) {
          problems.push({ object: name, message: `selector also matches the pods of ${objectName(batch)}` });
        }
      }
    }
    if (object.kind === 'PodDisruptionBudget') {
      const selector = (object.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
      if (!deploymentLabels.some((labels) => matches(selector, labels))) problems.push({ object: name, message: 'selector matches no Deployment pod template' });
    }
  }

  const scaled = new Set(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => (o.spec as { scaleTargetRef?: { name?: string } }).scaleTargetRef?.name));
  for (const deployment of options.autoscaled ?? []) {
    if (!scaled.has(deployment)) problems.push({ object: `Deployment/${deployment}`, message: 'needs a HorizontalPodAutoscaler' });
  }
  return problems;
}
