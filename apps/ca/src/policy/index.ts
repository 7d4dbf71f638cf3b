export * from './evaluate';
export * from './policy.error';
export * from './policy.service';
export * from './rules.config';
export * from './rules.repository';
export * from './policy-document';
export * from './policy-log';
export * from './policy-versions.repository';
