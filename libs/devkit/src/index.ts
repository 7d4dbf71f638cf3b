/* NOT FOR PRODUCTION: development and test tools for `npm start`, `npm run demo`, the bench and the
   tests. Lint forbids the CA, the transparency log and the production libs to import this lib. */
export * from './built-processes';
export * from './embedded-postgres';
export * from './free-port';
export * from './local-oidc-issuer';
