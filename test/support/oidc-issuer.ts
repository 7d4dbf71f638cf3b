/* The loopback OIDC issuer of the tests lives in libs/platform so that the demo and the bench
   share it; the CA's unit tests import it from here. */
export * from '@app/platform/oidc/local-issuer';
