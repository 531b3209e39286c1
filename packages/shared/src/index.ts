export * from './validators.js';
export * from './roles.js';
export * from './targets.js';
export * from './dto.js';
export * from './views.js';
