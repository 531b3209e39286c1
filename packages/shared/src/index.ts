export * from './validators.js';
export * from './roles.js';
export * from './targets.js';
export * from './dto.js';
export * from './views.js';
export * from './deployments.js';
export * from './jobs.js';
export * from './live.js';
