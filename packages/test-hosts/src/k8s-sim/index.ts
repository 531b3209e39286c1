export { startK8sSim } from './k8s-sim.js';
export type { K8sSim, SimChange, StartK8sSimOptions, WorkloadInput } from './k8s-sim.js';
export type { SimToken, RecordedRequest } from './api-server.js';
export type { ImageBehavior, SimTiming } from './controller.js';
export type * from './k8s-types.js';
