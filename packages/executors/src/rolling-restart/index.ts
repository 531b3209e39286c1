export { createRollingRestartExecutor } from './rolling-restart.executor.js';
export { withInstanceDetail } from './instance-detail.js';
export type { RollingRestartExecutor } from './rolling-restart.executor.js';
export {
  consulRestartTargetPlanSchema,
  rollingRestartPlanSchema,
  validateRollingRestartPlan,
} from './rolling-restart.plan.js';
export type { RollingRestartPlan, ValidRollingRestartPlan, ValidConsulRestartTarget } from './rolling-restart.plan.js';
export type * from './rolling-restart.types.js';
export { ConsulRefusedError, ConsulUnreachableError } from './consul-health.js';
export { createSshRollingRestartExecutor, sshRollingRestartPlanSchema } from './ssh-rolling-restart.executor.js';
export type { SshRollingRestartExecutor, SshRollingRestartPlan } from './ssh-rolling-restart.executor.js';
