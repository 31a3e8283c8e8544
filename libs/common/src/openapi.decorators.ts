import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiExtension, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { apiSchemaComponents, errorBodySchema, schemaRef } from './api-schemas';
import { openApiSchema } from './zod-validation';

/** Set by @Public(); completeOpenApiDocument turns it into `security: []` and removes it. */
export const PUBLIC_OPERATION_EXTENSION = 'x-engram-public';

/** Documents a JSON body with the zod schema that validates it. */
export const ApiJsonBody = (schema: z.ZodType) => ApiBody({ schema: openApiSchema(schema) as never });

/** Documents each property of a zod object schema as a query parameter. */
export const ApiQueryFrom = (schema: z.ZodObject) => {
  const json = openApiSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property as never }),
    ),
  );
};

/** Documents a path parameter with the zod schema that validates it. */
export const ApiPathParam = (name: string, schema: z.ZodType, description?: string) =>
  ApiParam({ name, required: true, description, schema: openApiSchema(schema) as never });

/** A JSON response whose body is a named schema (see apiSchema). */
export const ApiJsonResponse = (status: number, schema: z.ZodType, description: string) =>
  ApiResponse({ status, description, content: { 'application/json': { schema: schemaRef(schema) } } });

/** A success with no body. */
export const ApiNoContent = (description: string) => ApiResponse({ status: 204, description });

/**
 * Error responses particular to an operation, each `status: 'codes…'`; the ones every operation
 * can answer (auth, validation, limits, availability) are added by completeOpenApiDocument.
 */
export const ApiErrors = (errors: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: { 'application/json': { schema: schemaRef(errorBodySchema) } },
      }),
    ),
  );

/** Marks the operation as needing no credential in the document. */
export const ApiPublic = () => ApiExtension(PUBLIC_OPERATION_EXTENSION, true);

type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: unknown }>;
  security?: unknown[];
  [extension: `x-${string}`]: unknown;
};

const COMMON_ERRORS = {
  validation: [400, 'invalid_<field>, missing_<field>, invalid_json: the request does not match its schema'],
  unauthenticated: [401, 'missing_credentials, unknown_credentials, revoked_credentials, expired_credentials'],
  forbidden: [
    403,
    'forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here',
  ],
  notFound: [404, 'not found (another tenant’s resource answers the same)'],
  tooLarge: [413, 'payload_too_large'],
  mediaType: [415, 'unsupported_media_type: send application/json'],
  rateLimited: [429, 'rate_limited: retry after the Retry-After header'],
  unavailable: [503, 'database_unavailable, service_unavailable: retry after the Retry-After header'],
} as const satisfies Record<string, readonly [number, string]>;

/**
 * Completes the generated document: the named schemas as components, the error responses every
 * operation can give (so a client generator sees them all), `security: []` on public operations,
 * path parameters Nest could not see (the pin key's wildcard), and responses in status order.
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      completeOperation(path, operation);
    }
  }
  document.components = {
    ...document.components,
    schemas: { ...(document.components?.schemas ?? {}), ...(apiSchemaComponents() as Record<string, object>) },
  };
  return document;
}

function completeOperation(path: string, operation: Operation): void {
  const isPublic = operation[PUBLIC_OPERATION_EXTENSION] === true;
  delete operation[PUBLIC_OPERATION_EXTENSION];
  if (isPublic) {
    operation.security = [];
  }
  const parameters = (operation.parameters ??= []);
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === name)) {
      parameters.push({ in: 'path', name, required: true, schema: { type: 'string' } } as never);
    }
  }
  if (parameters.length === 0) {
    delete operation.parameters;
  }
  const errors: (readonly [number, string])[] = [COMMON_ERRORS.unavailable];
  const takesInput = operation.requestBody !== undefined || parameters.length > 0;
  if (takesInput) {
    errors.push(COMMON_ERRORS.validation);
  }
  if (!isPublic) {
    errors.push(COMMON_ERRORS.unauthenticated, COMMON_ERRORS.forbidden, COMMON_ERRORS.rateLimited);
  }
  if (operation.requestBody !== undefined) {
    errors.push(COMMON_ERRORS.tooLarge, COMMON_ERRORS.mediaType);
  }
  if (parameters.some((parameter) => parameter.in === 'path')) {
    errors.push(COMMON_ERRORS.notFound);
  }
  for (const [status, description] of errors) {
    operation.responses[status] ??= { description };
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) >= 400 && response.content === undefined) {
      response.content = { 'application/json': { schema: schemaRef(errorBodySchema) } };
    }
  }
  operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
}
