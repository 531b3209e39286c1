export { createServiceKit, MIN_SECRET_LENGTH } from './service-kit.js';
export type { DependencyCheck, KitState, ServiceKit, ServiceKitOptions } from './service-kit.js';
export type { ConsulSettings } from './consul-registration.js';
export { instanceIdFor } from './instance-id.js';
export { expressMiddleware, koaMiddleware, fastifyPlugin } from './adapters.js';
