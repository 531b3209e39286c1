// OpenAPI from the same zod schemas that validate requests, so the docs cannot drift.
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** Documents a JSON request body with its zod schema. */
export function ApiZodBody(schema: z.ZodType): MethodDecorator {
  return ApiBody({ schema: jsonSchema(schema) as never });
}

/** Documents each property of a zod object schema as a query parameter. */
export function ApiZodQuery(schema: z.ZodObject): MethodDecorator {
  const props = (jsonSchema(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((jsonSchema(schema).required as string[] | undefined) ?? []);
  return applyDecorators(
    ...Object.entries(props).map(([name, s]) =>
      ApiQuery({
        name,
        required: required.has(name),
        schema: s as never,
        description: s.description as string | undefined,
      }),
    ),
  );
}
