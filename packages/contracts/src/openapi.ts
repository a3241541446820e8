import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { RouteDefinition } from './route-table.js';

/*
 * OpenAPI 3.1 from a route table. OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what
 * `z.toJSONSchema` emits, so no other library is needed: each schema is converted on its own and
 * the definitions it names with `.meta({ id })` are hoisted into `components.schemas`.
 * Request parts are converted as zod inputs, responses as outputs (what each side sees).
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiOptions {
  servers?: readonly { url: string; description?: string }[];
  /** `components.securitySchemes`, which routes name in their `security`. */
  securitySchemes?: Readonly<Record<string, JsonSchema>>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  servers?: { url: string; description?: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: Record<string, JsonSchema> };
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, { description: string; content: Record<string, MediaType> }>;
  security?: Record<string, string[]>[];
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

type SchemaIo = 'input' | 'output';

const JSON_MEDIA_TYPE = 'application/json';
const COMPONENT_PREFIX = '#/components/schemas/';

export function buildOpenApiDocument(
  routes: Readonly<Record<string, RouteDefinition>> | readonly RouteDefinition[],
  info: OpenApiInfo,
  options: OpenApiOptions = {},
): OpenApiDocument {
  const list: readonly RouteDefinition[] = Array.isArray(routes) ? routes : Object.values(routes);
  const components = new ComponentSchemas();
  // Requests first: a component's plain name belongs to its request form (see ComponentSchemas).
  for (const route of list) {
    for (const part of [route.params, route.querystring, route.headers, route.body]) {
      if (part) components.convert(part, 'input');
    }
  }
  const paths: OpenApiDocument['paths'] = {};
  for (const route of list) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`${route.method} ${route.path} is defined twice`);
    item[method] = operationOf(route, components);
  }
  const tags = [...new Set(list.flatMap((route) => route.tags ?? []))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { ...info },
    ...(options.servers ? { servers: options.servers.map((server) => ({ ...server })) } : {}),
    tags,
    paths,
    components: {
      schemas: components.sorted(),
      ...(options.securitySchemes ? { securitySchemes: structuredClone({ ...options.securitySchemes }) } : {}),
    },
  };
}

/** Fastify writes path parameters `:name`; OpenAPI writes `{name}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationOf(route: RouteDefinition, components: ComponentSchemas): OpenApiOperation {
  const parameters = [
    ...parametersOf(route.params, 'path', components),
    ...parametersOf(route.querystring, 'query', components),
    ...parametersOf(route.headers, 'header', components),
  ];
  const responses: OpenApiOperation['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const example = route.responseExamples?.[Number(status)];
    responses[status] = {
      description: response.description,
      content: {
        [response.mediaType ?? JSON_MEDIA_TYPE]: mediaType(components.convert(response.schema, 'output'), example),
      },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.tags ? { tags: [...route.tags] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: !route.body.safeParse(undefined).success,
            content: {
              [JSON_MEDIA_TYPE]: mediaType(
                components.convert(route.body, 'input'),
                route.bodyExample,
              ),
            },
          },
        }
      : {}),
    responses,
    ...(route.security ? { security: route.security.map((requirement) => Object.fromEntries(Object.entries(requirement).map(([name, scopes]) => [name, [...scopes]]))) } : {}),
  };
}

function mediaType(schema: JsonSchema, example: unknown): MediaType {
  return example === undefined ? { schema } : { schema, example };
}

/** One OpenAPI parameter per property of a params, querystring or headers object. */
function parametersOf(
  schema: z.ZodObject | undefined,
  location: OpenApiParameter['in'],
  components: ComponentSchemas,
): OpenApiParameter[] {
  if (!schema) return [];
  const json = components.convert(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      // OpenAPI requires path parameters to be required.
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

/**
 * The `components.schemas` map, filled as schemas are converted. A schema that reads differently
 * as a response than as a request (defaults, transforms) gets a second component, `<id>Output`,
 * as fastify-type-provider-zod names it; inputs are converted first so the naming is stable.
 */
class ComponentSchemas {
  private readonly schemas = new Map<string, { schema: JsonSchema; io: SchemaIo }>();

  /** The JSON Schema of `schema`, with its named definitions moved into the components. */
  convert(schema: z.ZodType, io: SchemaIo): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw' });
    const {
      $schema: _dialect,
      $defs = {},
      ...root
    } = json as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    const names = this.componentNames($defs, io);
    for (const [id, definition] of Object.entries($defs)) {
      const name = names.get(id)!;
      const component = withComponentRefs(definition, names);
      const existing = this.schemas.get(name);
      if (existing && !isDeepStrictEqual(existing.schema, component)) {
        throw new Error(
          `components.schemas.${name} is defined twice, differently (as ${existing.io} and as ` +
            `${io}); give each schema its own id`,
        );
      }
      this.schemas.set(name, existing ?? { schema: component, io });
    }
    return withComponentRefs(root, names);
  }

  sorted(): Record<string, JsonSchema> {
    const names = [...this.schemas.keys()].sort();
    return Object.fromEntries(names.map((name) => [name, this.schemas.get(name)!.schema]));
  }

  /**
   * Each definition keeps its id as name unless it is an output differing from the input of
   * that id; renaming one can change those that refer to it, hence the loop to a fixed point.
   */
  private componentNames(defs: Record<string, JsonSchema>, io: SchemaIo): Map<string, string> {
    const names = new Map(Object.keys(defs).map((id) => [id, id]));
    for (let renamed = true; renamed;) {
      renamed = false;
      for (const [id, definition] of Object.entries(defs)) {
        const existing = this.schemas.get(id);
        if (
          io === 'output' &&
          existing?.io === 'input' &&
          names.get(id) === id &&
          !isDeepStrictEqual(existing.schema, withComponentRefs(definition, names))
        ) {
          names.set(id, `${id}Output`);
          renamed = true;
        }
      }
    }
    return names;
  }
}

/** Points the `#/$defs/<id>` references of one conversion at their components. */
function withComponentRefs(node: JsonSchema, names: ReadonlyMap<string, string>): JsonSchema {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => {
        if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) {
          const id = child.slice('#/$defs/'.length);
          return [key, COMPONENT_PREFIX + (names.get(id) ?? id)];
        }
        return [key, rewrite(child)];
      }),
    );
  };
  return rewrite(node) as JsonSchema;
}
