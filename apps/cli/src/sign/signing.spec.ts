import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../cli/testing';
import { signingServices } from './signing';

const jwt = (claims: Record<string, unknown>) =>
  ['{"alg":"ES256"}', JSON.stringify(claims), 'sig']
    .map((part) => Buffer.from(part).toString('base64url'))
    .join('.');

describe(signingServices.name, () => {
  const tempDir = tempDirs();
  const token = jwt({ iss: 'https://idp.example.com', sub: 'alice' });

  // Security review M9: `sign` sent the bearer token to any http URL, where an observer can use
  // it, within its lifetime, to get a certificate for the victim's identity with their own key.
  it('never sends the identity token over plain http to a host that is not loopback', async () => {
    await expect(
      signingServices(
        { 'ca-url': 'http://ca.example.com:5555', 'insecure-http': true, 'identity-token': token },
        recordingContext(),
      ),
    ).rejects.toMatchObject({
      exitCode: 64,
      message:
        'will not send the identity token over plain http to ca.example.com:5555 (--ca-url); use https',
    });
  });

  it('sets up against https and loopback http CAs, with the log and TSA of the signing config', async () => {
    const config = join(tempDir('signing-config'), 'signing_config.json');
    const service = (url: string, majorApiVersion: number) => ({
      url,
      majorApiVersion,
      validFor: { start: '2026-01-01T00:00:00Z' },
    });
    writeFileSync(
      config,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: [service('https://ca.example.com', 1)],
        rekorTlogUrls: [
          service('https://log.example.com', 1),
          service('https://log2.example.com', 2),
        ],
        tsaUrls: [service('https://ca.example.com/api/v1/timestamp', 1)],
      }),
    );
    for (const caUrl of ['https://ca.example.com', 'http://127.0.0.1:5555']) {
      const services = await signingServices(
        { 'ca-url': caUrl, 'identity-token': token, 'signing-config': config },
        recordingContext(),
      );
      expect(services.chosen).toEqual({
        caUrl,
        log: { url: 'https://log2.example.com', majorApiVersion: 2 },
        tsaUrl: 'https://ca.example.com/api/v1/timestamp',
        // The legacy image format needs a SET: the config's v1 log, beside the v2 log chosen.
        v1LogUrl: 'https://log.example.com',
      });
    }
  });

  it('takes the CA from the signing config when no --ca-url is given, and checks it first', async () => {
    const config = join(tempDir('signing-config'), 'signing_config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: [
          {
            url: 'http://ca.example.com',
            majorApiVersion: 1,
            validFor: { start: '2026-01-01T00:00:00Z' },
          },
        ],
      }),
    );
    await expect(
      signingServices({ 'identity-token': token, 'signing-config': config }, recordingContext()),
    ).rejects.toMatchObject({
      exitCode: 64,
      message:
        'will not send the identity token over plain http to ca.example.com (--ca-url); use https',
    });
  });
});
