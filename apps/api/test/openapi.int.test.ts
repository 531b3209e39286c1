// The OpenAPI document at /api/docs-json: valid for the version it declares (checked by a
// maintained validator and, for every Schema Object, by the JSON Schema 2020-12 meta-schema),
// true to the OpenAPI rules a schema cannot express, complete (every route that reads a body
// or a query string documents it), and rendered by the bundled Swagger UI.
import { Validator } from '@seriousme/openapi-schema-validator';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, type JsonSchema, type OpenApiDocument } from './openapi-samples.js';
import { startTestApp, type TestApp } from './test-env.js';

const CHROMIUM = '/usr/bin/chromium';

let t: TestApp;
let doc: OpenApiDocument & Record<string, unknown>;

beforeAll(async () => {
  t = await startTestApp();
  const res = await fetch(`${t.url}/api/docs-json`);
  doc = (await res.json()) as typeof doc;
});
afterAll(async () => {
  await t?.close();
});

/** Every Schema Object of the document, with where it is. */
function schemaObjects(d: OpenApiDocument & Record<string, unknown>): { at: string; schema: JsonSchema }[] {
  const out: { at: string; schema: JsonSchema }[] = [];
  for (const o of operations(d)) {
    for (const p of o.op.parameters ?? [])
      if (p.schema) out.push({ at: `${o.key} ${p.in} ${p.name}`, schema: p.schema });
    for (const [type, media] of Object.entries(o.op.requestBody?.content ?? {})) {
      if (media.schema) out.push({ at: `${o.key} body ${type}`, schema: media.schema });
    }
  }
  const components = (d.components as { schemas?: Record<string, JsonSchema> } | undefined)?.schemas ?? {};
  for (const [name, schema] of Object.entries(components)) out.push({ at: `components ${name}`, schema });
  return out;
}

function metaSchemaErrors(d: OpenApiDocument & Record<string, unknown>): string[] {
  const ajv = new Ajv2020({ strict: false });
  const errors: string[] = [];
  for (const { at, schema } of schemaObjects(d)) {
    if (!ajv.validateSchema(schema)) errors.push(`${at}: ${ajv.errorsText(ajv.errors)}`);
  }
  return errors;
}

/** OpenAPI rules no JSON Schema can check: path templates vs parameters, unique ids. */
function semanticErrors(d: OpenApiDocument): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  for (const o of operations(d)) {
    const id = o.op.operationId;
    if (!id) errors.push(`${o.key}: no operationId`);
    else if (ids.has(id)) errors.push(`${o.key}: duplicate operationId ${id}`);
    else ids.add(id);
    const templated = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const params = o.op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    for (const name of templated) {
      const p = pathParams.find((x) => x.name === name);
      if (!p) errors.push(`${o.key}: path parameter {${name}} is not declared`);
      else if (p.required !== true) errors.push(`${o.key}: path parameter ${name} must be required`);
    }
    for (const p of pathParams) {
      if (!templated.includes(p.name)) errors.push(`${o.key}: path parameter ${p.name} is not in the path`);
    }
    const seen = new Set<string>();
    for (const p of params) {
      const key = `${p.in}:${p.name}`;
      if (seen.has(key)) errors.push(`${o.key}: parameter ${key} declared twice`);
      seen.add(key);
    }
  }
  return errors;
}

describe('OpenAPI document', () => {
  it('declares OpenAPI 3.1 and validates as such', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has only Schema Objects that are valid JSON Schema 2020-12', () => {
    expect(schemaObjects(doc).length).toBeGreaterThan(50);
    expect(metaSchemaErrors(doc)).toEqual([]);
  });

  it('declares every path parameter of every path template, and unique operation ids', () => {
    expect(semanticErrors(doc)).toEqual([]);
  });

  it('the checks above catch a broken document (they can fail)', async () => {
    const broken = structuredClone(doc);
    const project = broken.paths['/api/v1/projects/{slug}']!;
    project.get!.parameters = [];
    project.patch!.requestBody!.content['application/json']!.schema = { type: 'nope' as never, minimum: 'x' as never };
    expect(semanticErrors(broken)).toContain('GET /api/v1/projects/{slug}: path parameter {slug} is not declared');
    expect(metaSchemaErrors(broken).join('\n')).toContain('PATCH /api/v1/projects/{slug} body application/json');
    const old = { ...structuredClone(doc), openapi: '3.0.0' };
    expect((await new Validator().validate(old)).valid).toBe(false);
  });

  it('documents the body and the query string of every route that reads one', () => {
    const byId = new Map(operations(doc).map((o) => [o.op.operationId, o]));
    const missing: string[] = [];
    const scanner = t.app.get(MetadataScanner);
    let routes = 0;
    for (const wrapper of t.app.get(DiscoveryService).getControllers()) {
      const metatype = wrapper.metatype as { name: string; prototype: object } | null;
      if (!metatype) continue;
      for (const method of scanner.getAllMethodNames(metatype.prototype)) {
        const o = byId.get(`${metatype.name}_${method}`);
        if (!o) continue;
        routes++;
        const args = Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, method) ?? {});
        const reads = (type: RouteParamtypes) => args.some((k) => Number(k.split(':')[0]) === type);
        if (reads(RouteParamtypes.BODY) && !o.op.requestBody) missing.push(`${o.key}: body`);
        if (reads(RouteParamtypes.QUERY) && !(o.op.parameters ?? []).some((p) => p.in === 'query')) {
          missing.push(`${o.key}: query`);
        }
      }
    }
    expect(routes).toBeGreaterThan(40);
    expect(missing).toEqual([]);
    // Spot checks of what the pipes contribute.
    const login = byId.get('AuthController_login')!;
    expect(login.op.requestBody?.content['application/json']?.schema?.required).toEqual(['email', 'password']);
    const audit = byId.get('AuditController_listAll')!;
    expect((audit.op.parameters ?? []).map((p) => p.name)).toEqual(expect.arrayContaining(['cursor', 'limit']));
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'is rendered by Swagger UI at /api/docs',
    async () => {
      const { stdout } = await promisify(execFile)(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--virtual-time-budget=15000',
          '--dump-dom',
          `${t.url}/api/docs`,
        ],
        { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      );
      expect(stdout).not.toContain('Unable to render this definition');
      expect(stdout).toContain('Wharf API');
      expect(stdout).toContain('OAS 3.1');
      expect(stdout).toContain('/api/v1/projects/{slug}/deployments');
    },
    90_000,
  );
});
