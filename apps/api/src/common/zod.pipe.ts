// Validates a body, query or param with a zod schema from packages/shared, after the input
// text rule (input-text.ts) that every request value must pass whatever its schema says.
// Use: @Body(new ZodPipe(createProjectSchema)) body: CreateProjectBody
import { type ArgumentMetadata, BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { findInputProblem } from './input-text.js';

export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  /** Public so the OpenAPI document can be built from the schemas that really validate. */
  constructor(readonly schema: S) {}

  transform(value: unknown, metadata?: ArgumentMetadata): z.output<S> {
    // A route parameter (@Param('id')) has no path of its own inside the value: name it.
    const prefix = metadata?.data ? [metadata.data] : [];
    const problem = findInputProblem(value, prefix);
    if (problem) {
      const message = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
      throw new BadRequestException({ message, issues: [problem] });
    }
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const first = result.error.issues[0];
    // Parameter schemas name themselves in their messages ("envId must be a UUID").
    const inner = first?.path.map(String).join('.');
    const message = first ? (inner ? `${inner}: ${first.message}` : first.message) : 'invalid input';
    const issues = result.error.issues.map((i) => ({
      path: [...prefix, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new BadRequestException({ message, issues });
  }
}
