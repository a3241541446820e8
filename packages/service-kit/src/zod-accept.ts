import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** What an accepter returns for input it does not vouch for: zod's own parse then decides. */
export const DEFER: unique symbol = Symbol('defer to zod');

/** The value zod would parse `input` to, or DEFER. */
export type Accepter = (input: unknown) => unknown;

/** The parts of zod's core internals (`_zod`) an accepter is compiled from: the documented introspection surface of zod/v4/core. */
interface Payload {
  value: unknown;
  issues: unknown[];
}
interface CheckInternals {
  def: { check?: string; when?: (payload: Payload) => boolean };
  check?: (payload: Payload) => unknown;
}
interface SchemaInternals {
  def: {
    type: string;
    coerce?: boolean;
    checks?: { _zod: CheckInternals }[];
    shape?: Record<string, Schema>;
    catchall?: Schema;
    element?: Schema;
    innerType?: Schema;
    options?: Schema[];
  };
  traits: Set<string>;
  values?: Set<unknown>;
  optin?: 'optional' | 'defaulted';
  optout?: 'optional';
  check?: (payload: Payload) => unknown;
}
interface Schema {
  _zod: SchemaInternals;
}

/**
 * Compiles a zod schema into an accepter: a plain function that takes a well-formed value and
 * returns what `schema.parse` would return, without zod's per-field payloads and issue machinery;
 * anything it does not accept, every invalid value among them, it returns DEFER for, and zod's
 * parse then answers (with the issues naming the fields). Its types are the JSON ones: objects
 * (unknown keys stripped, as zod does by default), arrays, strings, finite numbers, booleans,
 * null, enums, literals, optional, nullable, unions (first match wins, as in zod) and loose
 * objects (unknown keys kept). Checks (lengths, patterns, formats, bounds, refinements) are zod's
 * own check objects, run on the same value, so a rule is never restated here. A schema using
 * anything else (coercion, transforms, defaults, pipes, strict objects, lazy, records, …) gets
 * no accepter: undefined.
 */
export function compileAccepter(schema: z.ZodType): Accepter | undefined {
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  try {
    return compile(schema as unknown as Schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class Unsupported extends Error {}

function compile(schema: Schema): Accepter {
  const zod = schema._zod;
  const { def } = zod;
  if (def.coerce === true) throw new Unsupported(`coerced ${def.type}`);
  return withChecks(parserOf(schema), checksOf(zod));
}

function parserOf({ _zod: zod }: Schema): Accepter {
  const { def } = zod;
  switch (def.type) {
    case 'string':
      return (input) => (typeof input === 'string' ? input : DEFER);
    case 'number':
      return (input) => (typeof input === 'number' && Number.isFinite(input) ? input : DEFER);
    case 'boolean':
      return (input) => (typeof input === 'boolean' ? input : DEFER);
    case 'null':
      return (input) => (input === null ? null : DEFER);
    case 'enum':
    case 'literal': {
      const values = zod.values;
      if (values === undefined) throw new Unsupported(`${def.type} without values`);
      return (input) => (values.has(input) ? input : DEFER);
    }
    case 'optional': {
      // A defaulted inner schema substitutes a value for absence: not the plain case.
      if (zod.traits.has('$ZodExactOptional') || def.innerType!._zod.optin === 'defaulted') throw new Unsupported('optional with a default');
      const inner = compile(def.innerType!);
      return (input) => (input === undefined ? undefined : inner(input));
    }
    case 'nullable': {
      const inner = compile(def.innerType!);
      return (input) => (input === null ? null : inner(input));
    }
    case 'array':
      return arrayParser(compile(def.element!));
    case 'object':
      return objectParser(zod);
    case 'union': {
      if (zod.traits.has('$ZodDiscriminatedUnion') || zod.traits.has('$ZodXor')) throw new Unsupported('discriminated or exclusive union');
      const options = def.options!.map(compile);
      return (input) => {
        for (const option of options) {
          const value = option(input);
          if (value !== DEFER) return value;
        }
        return DEFER;
      };
    }
    default:
      throw new Unsupported(def.type);
  }
}

function arrayParser(element: Accepter): Accepter {
  return (input) => {
    if (!Array.isArray(input)) return DEFER;
    const output = new Array<unknown>(input.length);
    for (let i = 0; i < input.length; i++) {
      const value = element(input[i]);
      if (value === DEFER) return DEFER;
      output[i] = value;
    }
    return output;
  };
}

function objectParser(zod: SchemaInternals): Accepter {
  const { shape = {}, catchall } = zod.def;
  // Loose objects (a catch-all of unknown or any) keep unknown keys as they are; strict ones and
  // typed catch-alls are zod's.
  const catchallType = catchall?._zod.def.type;
  if (catchall !== undefined && ((catchallType !== 'unknown' && catchallType !== 'any') || catchall._zod.def.checks?.length)) throw new Unsupported(`object with a ${catchallType} catch-all`);
  if (Object.getOwnPropertySymbols(shape).length > 0) throw new Unsupported('symbol keys');
  const keys = Object.keys(shape);
  if (keys.includes('__proto__')) throw new Unsupported('a __proto__ key');
  const keySet = new Set(keys);
  const fields = keys.map((key) => {
    const field = shape[key]!._zod;
    // zod leaves an absent key out only when its schema is optional both ways; otherwise it
    // reports the key (or, for a default, fills it in): both are zod's to do.
    return { key, accept: compile(shape[key]!), mayBeAbsent: field.optin === 'optional' && field.optout === 'optional' };
  });
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return DEFER;
    const record = input as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    for (const { key, accept, mayBeAbsent } of fields) {
      if (!(key in record)) {
        if (mayBeAbsent) continue;
        return DEFER;
      }
      const value = accept(record[key]);
      // A present key parsed to undefined is kept as undefined by zod; JSON has no such value.
      if (value === DEFER || value === undefined) return DEFER;
      output[key] = value;
    }
    // After the declared keys, in input order, as zod adds them; never __proto__ (zod skips it too).
    if (catchall !== undefined) for (const key in record) if (!keySet.has(key) && key !== '__proto__') output[key] = record[key];
    return output;
  };
}

/** The schema's checks in zod's order: the schema itself first when it is also a check (string formats). */
function checksOf(zod: SchemaInternals): CheckInternals[] {
  const checks: CheckInternals[] = zod.traits.has('$ZodCheck') ? [zod as CheckInternals] : [];
  for (const check of zod.def.checks ?? []) checks.push(check._zod);
  for (const check of checks) if (typeof check.check !== 'function') throw new Unsupported(`check ${check.def.check ?? '?'} without a check function`);
  return checks;
}

/**
 * Runs the checks on the parsed value, as zod does after its type check. One payload per schema
 * serves every call: checks run synchronously and keep no reference to it (refinements' issues
 * are discarded with it).
 */
function withChecks(parse: Accepter, checks: CheckInternals[]): Accepter {
  if (checks.length === 0) return parse;
  const payload: Payload = { value: undefined, issues: [] };
  return (input) => {
    const parsed = parse(input);
    if (parsed === DEFER) return DEFER;
    payload.value = parsed;
    let accepted = true;
    for (const check of checks) {
      if (check.def.when !== undefined && !check.def.when(payload)) continue;
      const result = check.check!(payload);
      // An asynchronous refinement: zod's synchronous parse reports it.
      if (result instanceof Promise || payload.issues.length > 0) {
        accepted = false;
        break;
      }
    }
    // A check may overwrite the value (trim, toLowerCase): the output is the payload's.
    const value = payload.value;
    payload.value = undefined;
    payload.issues.length = 0;
    return accepted ? value : DEFER;
  };
}

/**
 * fastify-type-provider-zod's validator with an accepter in front: a well-formed request part is
 * taken as the accepter returns it; any other, and any part whose schema has no accepter, is
 * parsed by zod as before (same value, same 400 naming the fields).
 */
export const acceptingValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const parse = validatorCompiler(route);
  const accept = compileAccepter(route.schema);
  if (accept === undefined) return parse;
  return (data) => {
    const value = accept(data);
    return value === DEFER ? parse(data) : { value };
  };
};
