// Route ids (environment, target, credential, token, user) must be UUIDs: anything else is a
// 400 here rather than a database type error later.
import { z } from 'zod';
import { ZodPipe } from './zod.pipe.js';

export const uuidParam = (label: string) => new ZodPipe(z.uuid(`${label} must be a UUID`));
