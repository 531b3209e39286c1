// socket.io contract for live deployment logs.
import { z } from 'zod';
import type { DeploymentView, LogLineView } from './deployments.js';

export const LIVE_NAMESPACE = '/live';

export const LiveEvents = {
  /** client → server: start receiving a deployment's lines after `afterSeq`. */
  subscribe: 'deployment:subscribe',
  /** client → server */
  unsubscribe: 'deployment:unsubscribe',
  /** server → client: a batch of consecutive lines, as a LinesWire (decodeLines() reads it). */
  lines: 'deployment:lines',
  /** server → client: the deployment's state or targets changed. */
  status: 'deployment:status',
  /** server → client: a subscribe was refused (unknown or not readable). */
  error: 'deployment:error',
} as const;

export const subscribeSchema = z.object({ deploymentId: z.uuid(), afterSeq: z.number().int().min(0).default(0) });
export type SubscribePayload = z.infer<typeof subscribeSchema>;

/** A batch of lines as the client works with it (LinesWire on the wire: see live-lines.ts). */
export interface LinesPayload {
  deploymentId: string;
  lines: LogLineView[];
}

export type StatusPayload = DeploymentView;
