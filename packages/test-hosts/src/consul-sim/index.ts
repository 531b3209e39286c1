export { startConsulSim } from './consul-sim.js';
export type { ConsulSim, ConsulSimAgent, StartConsulSimOptions } from './consul-sim.js';
export type { AclConfig, AclRights, RecordedRequest } from './consul-agent.server.js';
export type * from './consul-types.js';
export { parseDuration } from './duration.js';
export { startConsulLb } from './consul-lb.js';
export type { ConsulLb, StartConsulLbOptions } from './consul-lb.js';
export { startLoad } from './load-generator.js';
export type { LoadGenerator, LoadResult } from './load-generator.js';
