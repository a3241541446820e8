// The OpenAPI fields of route schemas (operationId, summary, tags, hide) come from @fastify/swagger.
import type {} from '@fastify/swagger';
import {
  ARTIFACT_SHA256_HEADER,
  Empty,
  ListProxiedArtifactsRequest,
  ListProxiedArtifactsResponse,
  MlflowError,
  MlflowErrorBody,
  REGISTRY_API_PREFIXES,
  inlineObjectSchema,
} from '@payments-mlops/contracts';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import { attachmentDisposition, basename, parseArtifactPath } from '../domain/artifact-path.js';
import { contentTypeOf } from '../domain/mime-types.js';
import type { ArtifactCatalog } from '../stores/artifacts/artifact-catalog.js';
import { artifactTooLarge } from '../stores/artifacts/measured-stream.js';
import { requireAccess, type createAuthorizer } from './auth.js';
import { handleMlflowError, handleMlflowNotFound } from './mlflow-errors.js';

export interface ArtifactRoutesOptions {
  catalog: ArtifactCatalog;
  authorize: ReturnType<typeof createAuthorizer>;
  artifactBytes: Counter<'direction'>;
}

// MLflow's client falls back to a plain PUT when it reads this message (MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD).
const MULTIPART_UNSUPPORTED = 'Multipart upload is not supported for the current artifact repository';

function pathParam(request: FastifyRequest): string {
  return (request.params as { '*'?: string })['*'] ?? '';
}

/**
 * The artifact proxy, `/api/2.0/mlflow-artifacts/artifacts/<path>`: bytes stream between the
 * client and the artifact store in both directions, never held whole in memory.
 */
function artifactProxy(prefix: string, { catalog, authorize, artifactBytes }: ArtifactRoutesOptions): FastifyPluginAsync {
  return (app: FastifyInstance) => {
    app.setErrorHandler(handleMlflowError);
    app.setNotFoundHandler(handleMlflowNotFound);
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    // Uploads are raw bytes of any type (a .json artifact too): leave the body unread for the handler.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));

    const hide = prefix !== REGISTRY_API_PREFIXES[0];
    const read = requireAccess(authorize, 'read');
    const write = requireAccess(authorize, 'write');
    const readDocs = authorize.docs('read');
    const writeDocs = authorize.docs('write');

    const list = async (request: FastifyRequest) => {
      const { path } = request.query as ListProxiedArtifactsRequest;
      const files = await catalog.list(parseArtifactPath(path));
      return files.length > 0 ? { files } : {};
    };
    app.get('/artifacts', {
      schema: { operationId: 'listProxiedArtifacts', summary: 'List artifacts under a path', tags: ['mlflow-artifacts'], hide, ...(readDocs.security ? { security: readDocs.security } : {}), querystring: inlineObjectSchema(ListProxiedArtifactsRequest), response: { 200: ListProxiedArtifactsResponse, 400: MlflowErrorBody, ...readDocs.response } },
      onRequest: read,
      handler: list,
    });

    app.get('/artifacts/*', {
      schema: {
        operationId: 'downloadArtifact',
        summary: 'Download an artifact (streamed); an empty path lists the root',
        tags: ['mlflow-artifacts'],
        hide,
        ...(readDocs.security ? { security: readDocs.security } : {}),
        response: {
          // The file's bytes, typed by its extension (or the root's listing).
          200: { description: 'The file', content: { '*/*': { schema: z.unknown() } } },
          400: MlflowErrorBody,
          404: MlflowErrorBody,
          ...readDocs.response,
        },
      },
      onRequest: read,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const raw = pathParam(request);
        if (raw === '' || raw === '/') return list(request);
        const path = parseArtifactPath(raw, { allowRoot: false });
        const file = await catalog.download(path);
        if (file === undefined) throw MlflowError.notFound(`No artifact file at '${path}'`);
        artifactBytes.inc({ direction: 'download' }, file.size);
        void reply
          .type(contentTypeOf(path))
          .header('content-length', file.size)
          .header('content-disposition', attachmentDisposition(basename(path)))
          .header('x-content-type-options', 'nosniff');
        if (file.sha256 !== undefined) void reply.header(ARTIFACT_SHA256_HEADER, file.sha256);
        return reply.send(file.body);
      },
    });

    app.put('/artifacts/*', {
      schema: { operationId: 'uploadArtifact', summary: 'Upload an artifact (streamed); replaces a file at the same path', tags: ['mlflow-artifacts'], hide, ...(writeDocs.security ? { security: writeDocs.security } : {}), response: { 200: Empty, 400: MlflowErrorBody, ...writeDocs.response } },
      onRequest: write,
      handler: async (request: FastifyRequest) => {
        const path = parseArtifactPath(pathParam(request), { allowRoot: false });
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > catalog.maxBytes) throw artifactTooLarge(catalog.maxBytes);
        const contentType = request.headers['content-type'];
        const stored = await catalog.upload(path, request.raw, typeof contentType === 'string' ? contentType : undefined);
        artifactBytes.inc({ direction: 'upload' }, stored.size);
        request.log.info({ path, size: stored.size, sha256: stored.sha256 }, 'artifact stored');
        return {};
      },
    });

    app.delete('/artifacts/*', {
      schema: { operationId: 'deleteArtifact', summary: 'Delete an artifact file or directory', tags: ['mlflow-artifacts'], hide, ...(writeDocs.security ? { security: writeDocs.security } : {}), response: { 200: Empty, 400: MlflowErrorBody, ...writeDocs.response } },
      onRequest: write,
      handler: async (request: FastifyRequest) => {
        await catalog.delete(parseArtifactPath(pathParam(request), { allowRoot: false }));
        return {};
      },
    });

    for (const step of ['create', 'complete', 'abort']) {
      app.post(`/mpu/${step}/*`, { schema: { hide: true }, onRequest: write }, () => {
        throw new MlflowError('NOT_IMPLEMENTED', MULTIPART_UNSUPPORTED);
      });
    }
    return Promise.resolve();
  };
}

export const artifactRoutes: FastifyPluginAsync<ArtifactRoutesOptions> = async (app, options) => {
  for (const prefix of REGISTRY_API_PREFIXES) {
    await app.register(artifactProxy(prefix, options), { prefix: `${prefix}/mlflow-artifacts` });
  }
};
