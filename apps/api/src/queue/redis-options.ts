// BullMQ opens its own (some blocking) Redis connections from these options.
import type { RedisOptions } from 'bullmq';

export function bullConnection(url: string): RedisOptions {
  // maxRetriesPerRequest null is required by workers: commands wait for a restarting Redis
  // instead of failing.
  return { url, maxRetriesPerRequest: null };
}
