// The job registry: every queue job name and its payload schema. Jobs carry ids only;
// Postgres holds the state. The worker refuses to boot if a name has no processor.
import { z } from 'zod';

export const DEPLOY_QUEUE = 'deployments';

export const JOBS = {
  'deployment.run': z.object({ deploymentId: z.uuid() }),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
