import { createHash, timingSafeEqual } from 'node:crypto';
import { REGISTRY_AUTH_RESPONSES, REGISTRY_TOKEN_SECURITY } from '@payments-mlops/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * Bearer-token auth. Writes always need a token with write access; reads need a token only when
 * the server protects reads. Answers as MLflow's auth app does: 401 with a WWW-Authenticate
 * challenge when no valid token came, 403 "Permission denied" for a valid token without the right.
 * MLflow's client sends MLFLOW_TRACKING_TOKEN as `Authorization: Bearer <token>`, and
 * MLFLOW_TRACKING_USERNAME/PASSWORD as Basic auth, whose password is read as the token.
 */

export type Access = 'read' | 'write';

export interface AuthOptions {
  writeTokens: readonly string[];
  readTokens: readonly string[];
  /** When true, reads need a token too (read or write). */
  protectReads: boolean;
  /** When true, nothing is checked (local development only). */
  disabled: boolean;
}

export type AuthDecision = { allowed: true } | { allowed: false; status: 401 | 403 };

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Compares digests in constant time, so a token cannot be guessed byte by byte from timings. */
function matchesAny(token: Buffer, tokens: readonly Buffer[]): boolean {
  let found = false;
  for (const candidate of tokens) found = timingSafeEqual(token, candidate) || found;
  return found;
}

function presentedToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

export interface Authorizer {
  (authorization: string | undefined, access: Access): AuthDecision;
  /** What a route of this access says in the OpenAPI document about its token, as configured. */
  docs(access: Access): RouteAuthDocs;
}

export function createAuthorizer(options: AuthOptions): Authorizer {
  const writeDigests = options.writeTokens.map(digest);
  const readDigests = options.readTokens.map(digest);
  const decide = (authorization: string | undefined, access: Access): AuthDecision => {
    if (options.disabled || (access === 'read' && !options.protectReads)) return { allowed: true };
    const token = presentedToken(authorization);
    if (token === undefined) return { allowed: false, status: 401 };
    const presented = digest(token);
    if (matchesAny(presented, writeDigests)) return { allowed: true };
    if (matchesAny(presented, readDigests)) return access === 'read' ? { allowed: true } : { allowed: false, status: 403 };
    return { allowed: false, status: 401 };
  };
  return Object.assign(decide, { docs: (access: Access) => routeAuthDocs(options, access) });
}

export function rejectUnauthorized(reply: FastifyReply, status: 401 | 403): FastifyReply {
  if (status === 403) return reply.code(403).type('text/plain; charset=utf-8').send('Permission denied');
  return reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="mlflow"')
    .type('text/plain; charset=utf-8')
    .send('You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.');
}

/** A preHandler enforcing `access` for one route. */
export function requireAccess(authorize: ReturnType<typeof createAuthorizer>, access: Access) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const decision = authorize(request.headers.authorization, access);
    if (!decision.allowed) await rejectUnauthorized(reply, decision.status);
  };
}

/** A route schema's `security` and the responses of a request without the right token. */
export interface RouteAuthDocs {
  security?: { registryToken: never[] }[];
  response: Record<string, { description: string; content: Record<string, { schema: unknown }> }>;
}

/**
 * What a route says about its token (REGISTRY_TOKEN_SECURITY, REGISTRY_AUTH_RESPONSES, as
 * @fastify/swagger reads them): a write needs one and may answer 401 or 403; a read needs one,
 * and may answer 401, only where the server protects reads; nothing does with auth off.
 */
export function routeAuthDocs(options: Pick<AuthOptions, 'protectReads' | 'disabled'>, access: Access): RouteAuthDocs {
  const guarded = !options.disabled && (access === 'write' || options.protectReads);
  if (!guarded) return { response: {} };
  const statuses = access === 'write' ? (['401', '403'] as const) : (['401'] as const);
  return {
    security: REGISTRY_TOKEN_SECURITY,
    response: Object.fromEntries(
      statuses.map((status) => {
        const { description, schema, mediaType } = REGISTRY_AUTH_RESPONSES[status];
        return [status, { description, content: { [mediaType]: { schema } } }];
      }),
    ),
  };
}
