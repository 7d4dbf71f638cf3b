/* The loopback OIDC issuer of the tests lives in libs/devkit so that the demo and the bench share
   it; the CA's unit tests, which lint keeps from importing @app/devkit, reach it from here. */
export * from '@app/devkit/local-oidc-issuer';
