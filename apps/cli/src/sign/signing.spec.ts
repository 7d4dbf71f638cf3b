import { recordingContext } from '../cli/testing';
import { signingServices } from './signing';

const jwt = (claims: Record<string, unknown>) =>
  ['{"alg":"ES256"}', JSON.stringify(claims), 'sig']
    .map((part) => Buffer.from(part).toString('base64url'))
    .join('.');

describe(signingServices.name, () => {
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

  it('sets up against https and loopback http CAs', async () => {
    for (const caUrl of ['https://ca.example.com', 'http://127.0.0.1:5555']) {
      const services = await signingServices(
        { 'ca-url': caUrl, 'identity-token': token },
        recordingContext(),
      );
      expect(services.instance.caUrl).toBe(caUrl);
    }
  });
});
