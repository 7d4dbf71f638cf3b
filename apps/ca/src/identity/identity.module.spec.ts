import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { IdentityModule } from './identity.module';
import { OidcVerifier } from './oidc-verifier';

describe(IdentityModule.name, () => {
  it('provides an OidcVerifier built from the issuers section of the config file', async () => {
    const file = {
      issuers: [
        {
          url: 'https://token.actions.githubusercontent.com',
          audience: 'sigstore',
          type: 'github-workflow',
        },
      ],
    };
    const app = await NestFactory.createApplicationContext(IdentityModule.forRoot({ file }), {
      logger: false,
    });
    try {
      expect(app.get(OidcVerifier).describe()).toEqual([
        {
          issuerUrl: 'https://token.actions.githubusercontent.com',
          audience: 'sigstore',
          challengeClaim: 'sub',
          issuerType: 'github-workflow',
        },
      ]);
    } finally {
      await app.close();
    }
  });

  it('fails to start on an invalid issuers section, naming the field', async () => {
    const file = { issuers: [{ url: 'https://idp.example.com', audience: 'a', type: 'ldap' }] };
    await expect(
      NestFactory.createApplicationContext(IdentityModule.forRoot({ file }), {
        logger: false,
        abortOnError: false,
      }),
    ).rejects.toThrow(/^issuers\[0\]\.type: Invalid option/);
  });
});
