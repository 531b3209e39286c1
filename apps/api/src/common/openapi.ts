// OpenAPI from the same zod schemas that validate requests, so the docs cannot drift. The
// document is OpenAPI 3.1, whose Schema Object is JSON Schema 2020-12: zod's own dialect.
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery, type ParameterObject, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** The JSON Schema of what a request may send (zod's input side), without a `$schema` tag. */
export function jsonSchema(schema: z.ZodType): SchemaObject & Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest as SchemaObject & Record<string, unknown>;
}

/** One query parameter per property of a zod object schema. */
export function queryParameters(schema: z.ZodType): ParameterObject[] {
  const s = jsonSchema(schema);
  const props = (s.properties ?? {}) as Record<string, SchemaObject & { description?: string }>;
  const required = new Set(s.required ?? []);
  return Object.entries(props).map(([name, prop]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: prop,
    ...(prop.description ? { description: prop.description } : {}),
  }));
}

/**
 * Documents a JSON request body with its zod schema. Only needed where the handler validates
 * the body itself: a body validated by a ZodPipe is documented from the pipe.
 */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: jsonSchema(schema), required: isBodyRequired(schema) });
}

/** A body whose every field is optional may be left out (ZodPipe reads a missing one as {}). */
export function isBodyRequired(schema: z.ZodType): boolean {
  return !schema.safeParse({}).success;
}

/** Like ApiZodBody, for a query string the handler validates itself. */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  return applyDecorators(
    ...queryParameters(schema).map((p) =>
      ApiQuery({ name: p.name, required: p.required, schema: p.schema, description: p.description }),
    ),
  );
}
