export * from './types.js';
export * from './clock.js';
export * from './errors.js';
export * from './broker.js';
export * from './duration.js';
export * from './summary.js';
export * from './ids.js';
export * from './console-source.js';
