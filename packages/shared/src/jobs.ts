// The job registry: every queue job name and its payload schema. Jobs carry ids only;
// Postgres holds the state. The worker refuses to boot if a name has no processor.
import { z } from 'zod';

export const DEPLOY_QUEUE = 'deployments';
/** GitLab deliveries and auto-deploy decisions: their own queue, never behind a long deployment. */
export const WEBHOOK_QUEUE = 'webhooks';
/** Release notifications: one job per delivery, retried with backoff, never in a release's way. */
export const NOTIFY_QUEUE = 'notifications';
export type QueueName = typeof DEPLOY_QUEUE | typeof WEBHOOK_QUEUE | typeof NOTIFY_QUEUE;

export const JOBS = {
  'deployment.run': z.object({ deploymentId: z.uuid() }),
  /** Look at a recorded GitLab delivery: record its commits, match rules, start auto-deploys. */
  'webhook.delivery': z.object({ deliveryId: z.uuid() }),
  /** Settle an environment's waiting auto-deploys (newest wins, artifact there, expired). */
  'autodeploy.evaluate': z.object({ environmentId: z.uuid() }),
  /** Send one pending notification delivery (job id = delivery id). */
  'notification.deliver': z.object({ deliveryId: z.uuid() }),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** The queue that carries each job; each queue's worker must have a processor for all of its jobs. */
export const JOB_QUEUES = {
  'deployment.run': DEPLOY_QUEUE,
  'webhook.delivery': WEBHOOK_QUEUE,
  'autodeploy.evaluate': WEBHOOK_QUEUE,
  'notification.deliver': NOTIFY_QUEUE,
} as const satisfies Record<JobName, QueueName>;

export type JobNameOn<Q extends QueueName> = {
  [N in JobName]: (typeof JOB_QUEUES)[N] extends Q ? N : never;
}[JobName];

export function jobNamesOn<Q extends QueueName>(queue: Q): JobNameOn<Q>[] {
  return JOB_NAMES.filter((n): n is JobNameOn<Q> => JOB_QUEUES[n] === queue);
}
