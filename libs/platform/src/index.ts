export * from './config/config';
export * from './config/config.token';
export * from './config/env.schema';
export * from './database/bigint.transformer';
export * from './database/data-source';
export * from './http/bootstrap';
export * from './metrics/metrics';
export * from './platform.module';
