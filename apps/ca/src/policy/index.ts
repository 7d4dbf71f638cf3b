export * from './evaluate';
export * from './matcher';
export * from './policy.error';
export * from './policy.service';
export * from './rules.config';
export * from './rules.repository';
