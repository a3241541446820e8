import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INFERENCE_EXAMPLES } from './inference-examples.js';
import { INFERENCE_ROUTES } from './inference-routes.js';
import { OPENAPI_DOCUMENTS, serializeOpenApiDocument } from './openapi-documents.js';
import { buildOpenApiDocument, openApiPath, type OpenApiDocument } from './openapi.js';
import { defineRoute } from './route-table.js';

const OPENAPI_DIRECTORY = fileURLToPath(new URL('../openapi/', import.meta.url));
const CLI = fileURLToPath(new URL('./openapi-cli.ts', import.meta.url));
const inference = OPENAPI_DOCUMENTS['inference.openapi.json']!();

/** Every `$ref` in a document, with the JSON path where it appears. */
function refsIn(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => refsIn(child, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string'
      ? [{ at, ref: value }]
      : refsIn(value, `${at}/${key}`),
  );
}

describe('the inference OpenAPI document', () => {
  it('is committed exactly as the schemas generate it (run openapi:generate when this fails)', async () => {
    const committed = await readFile(join(OPENAPI_DIRECTORY, 'inference.openapi.json'), 'utf8');
    expect(committed).toBe(serializeOpenApiDocument(inference));
  });

  it('is a valid OpenAPI 3.1 document whose $refs all resolve', async () => {
    await expect(
      SwaggerParser.validate(structuredClone(inference) as never),
    ).resolves.toBeDefined();
    const components = new Set(Object.keys(inference.components.schemas));
    const dangling = refsIn(inference).filter(
      ({ ref }) => !ref.startsWith('#/components/schemas/') || !components.has(ref.slice(21)),
    );
    expect(dangling).toEqual([]);
  });

  it('describes the four endpoints with their request, answer and error bodies', () => {
    expect(Object.keys(inference.paths)).toEqual([
      '/fraud/score',
      '/retry/strategy',
      '/churn/predict',
      '/recovery/recommend',
    ]);
    const score = inference.paths['/fraud/score']!.post!;
    expect(score.requestBody?.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/FraudScoreRequest',
    });
    expect(Object.keys(score.responses)).toEqual(['200', '400', '413', '500', '503']);
    expect(score.responses['503']!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    expect(score.parameters).toEqual([
      expect.objectContaining({ name: 'x-request-id', in: 'header', required: false }),
    ]);
  });

  it('documents every field of every inference schema', () => {
    const undocumented = Object.entries(inference.components.schemas).flatMap(([name, schema]) =>
      Object.entries(
        (schema.properties ?? {}) as Record<string, { description?: string; $ref?: string }>,
      )
        .filter(([, property]) => !property.description && !property.$ref)
        .map(([field]) => `${name}.${field}`),
    );
    expect(undocumented).toEqual([]);
  });

  describe('as JSON Schema for clients generated from it', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
    ajv.addKeyword('components');
    ajv.addSchema({ $id: 'inference', components: inference.components });
    const validatorOf = (component: string) =>
      ajv.getSchema(`inference#/components/schemas/${component}`)!;

    it.each(
      Object.entries(INFERENCE_ROUTES).flatMap(([name, route]) => {
        const examples = INFERENCE_EXAMPLES[name as keyof typeof INFERENCE_EXAMPLES];
        const [request, response] = [route.body, route.responses[200].schema].map(
          (schema) => z.globalRegistry.get(schema)!.id!,
        );
        return [
          [request!, examples.request],
          [response!, examples.response],
        ] as const;
      }),
    )('accepts the published %s example', (component, example) => {
      const validate = validatorOf(component);
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    });

    it('rejects what the zod schema rejects, at the same fields', () => {
      const validate = validatorOf('FraudScoreRequest');
      const bad = {
        ...INFERENCE_EXAMPLES.fraudScore.request,
        amount_cents: -1,
        currency: 'XYZ',
        merchant_id: undefined,
      };
      expect(validate(JSON.parse(JSON.stringify(bad)))).toBe(false);
      const paths = validate.errors!.map(
        (error) => error.instancePath || String(error.params.missingProperty),
      );
      expect([...new Set(paths)].sort()).toEqual(['/amount_cents', '/currency', 'merchant_id']);
    });
  });
});

describe('buildOpenApiDocument', () => {
  const Page = z.object({ size: z.number().int().default(50) }).meta({ id: 'TestPage' });
  const Model = z.object({ name: z.string(), page: Page }).meta({ id: 'TestModel' });
  const routes = [
    defineRoute({
      method: 'GET',
      path: '/models/:name/versions/:version',
      operationId: 'getVersion',
      summary: 'Get a model version',
      params: z.object({ name: z.string(), version: z.string().describe('The version number.') }),
      querystring: z.object({ verbose: z.enum(['true', 'false']).optional() }),
      responses: { 200: { description: 'The model.', schema: Model } },
    }),
    defineRoute({
      method: 'PUT',
      path: '/models',
      operationId: 'putModel',
      summary: 'Create a model',
      body: Model,
      responses: { 201: { description: 'Created.', schema: Model } },
    }),
  ];
  const document: OpenApiDocument = buildOpenApiDocument(routes, { title: 'test', version: '0' });

  it('turns path, query and header fields into parameters, path ones always required', () => {
    expect(openApiPath('/models/:name/versions/:version')).toBe(
      '/models/{name}/versions/{version}',
    );
    expect(document.paths['/models/{name}/versions/{version}']!.get!.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      {
        name: 'version',
        in: 'path',
        required: true,
        description: 'The version number.',
        schema: { type: 'string' },
      },
      {
        name: 'verbose',
        in: 'query',
        required: false,
        schema: { type: 'string', enum: ['true', 'false'] },
      },
    ]);
  });

  it('names the response form <id>Output when it differs from the request form', async () => {
    const { TestPage, TestPageOutput, TestModel, TestModelOutput } = document.components.schemas;
    expect(TestPage).toMatchObject({ properties: { size: { default: 50 } } });
    expect(TestPage).not.toHaveProperty('required');
    expect(TestPageOutput).toMatchObject({ required: ['size'] });
    expect(TestModel).toMatchObject({
      properties: { page: { $ref: '#/components/schemas/TestPage' } },
    });
    expect(TestModelOutput).toMatchObject({
      properties: { page: { $ref: '#/components/schemas/TestPageOutput' } },
    });
    expect(
      document.paths['/models']!.put!.responses['201']!.content['application/json']!.schema,
    ).toEqual({
      $ref: '#/components/schemas/TestModelOutput',
    });
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('refuses two different schemas under one id, and one route defined twice', () => {
    const impostor = z.object({ other: z.boolean() }).meta({ id: 'TestModel' });
    const clash = defineRoute({ ...routes[1]!, path: '/other', body: impostor });
    expect(() => buildOpenApiDocument([...routes, clash], { title: 't', version: '0' })).toThrow(
      /components\.schemas\.TestModel is defined twice/,
    );
    expect(() =>
      buildOpenApiDocument([routes[1]!, routes[1]!], { title: 't', version: '0' }),
    ).toThrow('PUT /models is defined twice');
  });
});

describe('openapi-cli check', () => {
  const run = promisify(execFile);
  const cli = (...args: string[]) =>
    run(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args]);

  it('fails, naming the file and the command to fix it, when the document has drifted', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'openapi-'));
    try {
      await cli('generate', directory);
      const file = join(directory, 'inference.openapi.json');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"1.0.0"', '"0.9.0"'));
      const failure = await cli('check', directory).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toMatch(
        /inference\.openapi\.json differs from the schemas; run `pnpm --filter @payments-mlops\/contracts openapi:generate`/,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
