import { describe, expect, it } from 'vitest';
import { parseManifests, validateManifests } from './validate-manifests.js';

const good = `
apiVersion: v1
kind: ConfigMap
metadata: { name: platform-config }
data: { LOG_LEVEL: info }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ml-serving }
spec:
  selector: { matchLabels: { app.kubernetes.io/name: ml-serving } }
  template:
    metadata: { labels: { app.kubernetes.io/name: ml-serving } }
    spec:
      containers:
        - name: ml-serving
          image: payments-mlops/ml-serving:1
          ports: [{ name: http, containerPort: 8002 }]
          envFrom: [{ configMapRef: { name: platform-config } }, { secretRef: { name: platform-secrets } }]
          resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { memory: 2Gi } }
          livenessProbe: { httpGet: { path: /healthz, port: http } }
          readinessProbe: { httpGet: { path: /readyz, port: http } }
---
apiVersion: v1
kind: Service
metadata: { name: ml-serving }
spec:
  selector: { app.kubernetes.io/name: ml-serving }
  ports: [{ name: http, port: 8002, targetPort: http }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: ml-serving }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ml-serving }
  minReplicas: 2
  maxReplicas: 8
`;

async function problemsOf(text: string, options = { autoscaled: ['ml-serving'], externalSecrets: ['platform-secrets'] }) {
  const { objects, problems } = parseManifests(text, 'test.yaml');
  expect(problems).toEqual([]);
  return (await validateManifests(objects, options)).map((p) => `${p.object}: ${p.message}`);
}

describe('validateManifests', () => {
  it('accepts a service that follows the schema and the platform rules', async () => {
    expect(await problemsOf(good)).toEqual([]);
  });

  it('reports schema violations by object and field', async () => {
    const problems = await problemsOf(good.replace('minReplicas: 2', 'minReplicas: two').replace('containerPort: 8002', 'containerPort: http'));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^HorizontalPodAutoscaler\/ml-serving: .*minReplicas must be integer/),
        expect.stringMatching(/^Deployment\/ml-serving: .*containerPort must be integer/),
      ]),
    );
  });

  it('reports an unknown kind or apiVersion', async () => {
    expect(await problemsOf(good + '---\napiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: x }\n')).toContain('Deploymnet/x: apps/v1 has no kind Deploymnet');
    expect(await problemsOf(good + '---\napiVersion: apps/v9\nkind: Deployment\nmetadata: { name: y }\n')).toEqual(expect.arrayContaining(['Deployment/y: unknown apiVersion apps/v9']));
  });

  it('requires probes on /healthz and /readyz and resource requests', async () => {
    const problems = await problemsOf(good.replace('path: /readyz', 'path: /healthz').replace('requests: { cpu: 500m, memory: 1Gi }, ', ''));
    expect(problems).toEqual(
      expect.arrayContaining([
        'Deployment/ml-serving: containers[ml-serving].readinessProbe must GET /readyz (dependencies and loaded models)',
        expect.stringContaining('containers[ml-serving].resources.requests needs cpu and memory'),
      ]),
    );
  });

  it('reports references that do not resolve: HPA target, Service selector, ConfigMap, Secret', async () => {
    const broken = good
      .replace('kind: Deployment, name: ml-serving', 'kind: Deployment, name: ml-servng')
      .replace('selector: { app.kubernetes.io/name: ml-serving }', 'selector: { app.kubernetes.io/name: serving }')
      .replace('configMapRef: { name: platform-config }', 'configMapRef: { name: platform-conf }');
    const problems = await problemsOf(broken, { autoscaled: ['ml-serving'], externalSecrets: [] });
    expect(problems).toEqual(
      expect.arrayContaining([
        'HorizontalPodAutoscaler/ml-serving: scaleTargetRef Deployment/ml-servng is not a Deployment in the set',
        'Service/ml-serving: selector matches no Deployment pod template',
        'Deployment/ml-serving: containers[ml-serving] reads ConfigMap platform-conf, which is not in the set',
        'Deployment/ml-serving: containers[ml-serving] reads Secret platform-secrets, which is not in the set nor declared external',
        'Deployment/ml-serving: needs a HorizontalPodAutoscaler',
      ]),
    );
  });

  it('reports a Service whose selector also picks the pods of a CronJob', async () => {
    const cronJob = `---
apiVersion: batch/v1
kind: CronJob
metadata: { name: train-models }
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata: { labels: { app.kubernetes.io/name: ml-serving } }
        spec:
          restartPolicy: Never
          containers:
            - name: trainer
              image: payments-mlops/trainer:1
              resources: { requests: { cpu: "1", memory: 1Gi }, limits: { memory: 2Gi } }
`;
    expect(await problemsOf(good + cronJob)).toEqual(['Service/ml-serving: selector also matches the pods of CronJob/train-models']);
  });

  it('reports YAML that does not parse', () => {
    expect(parseManifests('kind: [unclosed', 'bad.yaml').problems).toHaveLength(1);
  });
});
