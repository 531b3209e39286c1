// Test fixture: the kit services of @wharf/test-hosts (real Node services on the service kit,
// under pm2, registered in the Consul simulator), loading the kit this package resolves. The
// API's rolling-restart test loads this file too.
import { startKitServices as startWithKit, type KitServices, type StartKitServicesOptions } from '@wharf/test-hosts';

export type { KitService, KitServices } from '@wharf/test-hosts';

export function startKitServices(o: Omit<StartKitServicesOptions, 'kitUrl'>): Promise<KitServices> {
  return startWithKit({ ...o, kitUrl: import.meta.resolve('@wharf/service-kit') });
}
