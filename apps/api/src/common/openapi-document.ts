// The OpenAPI 3.1 document served at /api/docs-json. Request bodies, query strings and path
// parameters are described by the ZodPipes that validate them (found in each route's argument
// metadata), so a new route is documented as it is written and the document cannot promise
// less or more than the API checks. @ApiZodBody / @ApiZodQuery cover the few handlers that
// validate inside (streamed uploads); an explicit declaration wins.
import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { slugSchema } from '@wharf/shared';
import type { z } from 'zod';
import { isBodyRequired, jsonSchema, queryParameters } from './openapi.js';
import { ZodPipe } from './zod.pipe.js';

export const OPENAPI_VERSION = '3.1.0';

const noFieldsBody = () => ({
  required: false,
  description: 'No fields. Send `{}` or no body, but with Content-Type: application/json.',
  content: { 'application/json': { schema: { type: 'object' } } },
});

/** Path parameters checked before any pipe runs: the access guard validates :slug. */
const GUARD_CHECKED_PARAMS: Record<string, z.ZodType> = { slug: slugSchema };

interface RouteArg {
  index: number;
  data?: string;
  pipes?: unknown[];
}

interface RouteInputs {
  body?: z.ZodType;
  query?: z.ZodType;
  queryFields: Map<string, z.ZodType>;
  params: Map<string, z.ZodType>;
}

export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion(OPENAPI_VERSION)
      .setTitle('Wharf API')
      .setDescription('Projects, environments, targets, credentials, artifacts and releases.')
      .setVersion(version)
      .addCookieAuth('wharf_session')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'wharf_<token>',
        description: 'Project CI token (wharf_...)',
      })
      .build(),
  );
  const inputs = routeInputs(app);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [string, unknown][]) {
      if (!isOperation(op)) continue;
      describeInputs(path, op, op.operationId ? inputs.get(op.operationId) : undefined);
      // The API refuses a state-changing request without Content-Type: application/json (415),
      // bodyless ones too; say so, so that clients and the docs' "Try it out" send it.
      if (method !== 'get' && !op.requestBody) op.requestBody = noFieldsBody();
    }
  }
  return doc;
}

function isOperation(v: unknown): v is OperationObject {
  return typeof v === 'object' && v !== null && 'responses' in v;
}

/** What each handler validates, keyed by Nest swagger's default operationId (Controller_method). */
function routeInputs(app: INestApplication): Map<string, RouteInputs> {
  const out = new Map<string, RouteInputs>();
  const scanner = app.get(MetadataScanner);
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!metatype || typeof metatype !== 'function') continue;
    for (const method of scanner.getAllMethodNames(metatype.prototype as object)) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, method) ?? {}) as Record<string, RouteArg>;
      const inputs: RouteInputs = { queryFields: new Map(), params: new Map() };
      for (const [key, arg] of Object.entries(args)) {
        const type = Number(key.split(':')[0]);
        const schema = arg.pipes?.find((p): p is ZodPipe<z.ZodType> => p instanceof ZodPipe)?.schema;
        if (!schema) continue;
        if (type === RouteParamtypes.BODY && !arg.data) inputs.body = schema;
        if (type === RouteParamtypes.QUERY && !arg.data) inputs.query = schema;
        if (type === RouteParamtypes.QUERY && arg.data) inputs.queryFields.set(arg.data, schema);
        if (type === RouteParamtypes.PARAM && arg.data) inputs.params.set(arg.data, schema);
      }
      out.set(`${metatype.name}_${method}`, inputs);
    }
  }
  return out;
}

function describeInputs(path: string, op: OperationObject, inputs: RouteInputs | undefined): void {
  const params = (op.parameters ?? []) as ParameterObject[];
  const declared = (name: string, where: string) => params.find((p) => p.name === name && p.in === where);

  // Every {name} of the path template is a required path parameter (OpenAPI requires it).
  for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
    const schema = inputs?.params.get(name) ?? GUARD_CHECKED_PARAMS[name];
    const existing = declared(name, 'path');
    if (existing) {
      if (schema) existing.schema = jsonSchema(schema);
    } else {
      params.push({ name, in: 'path', required: true, schema: schema ? jsonSchema(schema) : { type: 'string' } });
    }
  }
  if (inputs?.query) {
    for (const p of queryParameters(inputs.query)) if (!declared(p.name, 'query')) params.push(p);
  }
  for (const [name, schema] of inputs?.queryFields ?? []) {
    if (!declared(name, 'query')) params.push({ name, in: 'query', required: false, schema: jsonSchema(schema) });
  }
  op.parameters = params;
  if (inputs?.body && !op.requestBody) {
    op.requestBody = {
      required: isBodyRequired(inputs.body),
      content: { 'application/json': { schema: jsonSchema(inputs.body) } },
    };
  }
}
