export * from './file';
export * from './key-object';
export * from './pkcs11';
export * from './pkcs11-keygen';
