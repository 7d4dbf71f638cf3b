import { buildLeaf, parseCertificate, type ParsedCertificate } from '@app/signing';
import { signTbs } from '@app/signing/x509/issue';
import { testLeafRequest, testPki, type TestPki } from '@app/signing/x509/testing';
import { LogError } from '../../errors';
import { CaCertificateRepository } from './ca-certificate.repository';
import { InstanceCas } from './instance-cas';
import { WritePolicy } from './write-policy';

const NOW = new Date('2026-11-22T12:00:00Z');
// DER of the OIDs id-kp-codeSigning and id-kp-serverAuth (RFC 5280 §4.2.1.12): same length.
const CODE_SIGNING = Buffer.from('06082b06010505070303', 'hex');
const SERVER_AUTH = Buffer.from('06082b06010505070301', 'hex');

/** A leaf of `pki` whose extendedKeyUsage says serverAuth (a TLS certificate), properly signed. */
async function tlsLeaf(pki: TestPki): Promise<ParsedCertificate> {
  const tbs = Buffer.from(buildLeaf(testLeafRequest(pki, NOW)).tbsWithoutPoison);
  const at = tbs.indexOf(CODE_SIGNING);
  expect(at).toBeGreaterThan(0);
  SERVER_AUTH.copy(tbs, at);
  return parseCertificate(await signTbs(tbs, pki.intermediateSigner));
}

function refusal(policy: WritePolicy, certificate: ParsedCertificate): Promise<unknown> {
  return policy.check([{ publicKey: certificate.publicKey, certificate }], NOW).then(
    () => undefined,
    (err: unknown) => (err instanceof LogError ? { code: err.code, message: err.message } : err),
  );
}

describe(WritePolicy.name, () => {
  let pki: TestPki;
  let policy: WritePolicy;

  beforeAll(async () => {
    pki = await testPki({ now: NOW });
    // A configured CA (log.trustedCertificates), e.g. an enterprise CA that also issues TLS leaves.
    const none = { all: () => Promise.resolve([]) } as unknown as CaCertificateRepository;
    const settings = {
      trustedCertificates: [parseCertificate(pki.root), parseCertificate(pki.intermediate)],
      allowedKeyFingerprints: [],
      instanceCaRoots: undefined,
    };
    policy = new WritePolicy(settings, new InstanceCas(none, settings));
  });

  it('accepts a code-signing leaf of a trusted CA', async () => {
    const leaf = parseCertificate(await buildLeaf(testLeafRequest(pki, NOW)).certificate());
    expect(await refusal(policy, leaf)).toBeUndefined();
  });

  it('refuses a leaf of a trusted CA whose extendedKeyUsage lacks codeSigning', async () => {
    const leaf = await tlsLeaf(pki);
    expect(leaf.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(await refusal(policy, leaf)).toEqual({
      code: 'NOT_AUTHORIZED',
      message:
        'the signing certificate is not for code signing: its extendedKeyUsage lacks id-kp-codeSigning (1.3.6.1.5.5.7.3.3)',
    });
  });
});
