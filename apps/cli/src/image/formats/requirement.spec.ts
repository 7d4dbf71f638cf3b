import type { Signer } from '@sigstore/verify';
import { decideImage, type SignatureRequest } from './requirement';
import type { SignatureCheck } from './verified-signature';

const signer = (subject: string) =>
  ({
    identity: { subjectAlternativeName: subject, extensions: { issuer: 'https://idp' } },
  }) as unknown as Signer;
const ok = (format: 'bundle' | 'legacy', subject = 'alice', over: object = {}): SignatureCheck => ({
  verified: true,
  format,
  kind: 'signature',
  source: `${format} 1`,
  signer: signer(subject),
  ...over,
});
const alice: SignatureRequest['identity'] = (s) =>
  s.identity?.subjectAlternativeName === 'alice'
    ? undefined
    : `--certificate-identity: the certificate does not match "alice" (it has "${s.identity?.subjectAlternativeName}")`;

describe(decideImage.name, () => {
  it('verifies with one accepted signature in the required format', () => {
    expect(
      decideImage([ok('legacy'), ok('bundle')], { require: 'bundle', identity: alice }),
    ).toMatchObject({
      verified: true,
      accepted: [{ format: 'bundle' }],
    });
    expect(decideImage([ok('legacy')], { require: 'any', identity: alice }).verified).toBe(true);
  });

  it('fails --require bundle when only the legacy signature verified, saying so', () => {
    expect(decideImage([ok('legacy')], { require: 'bundle', identity: alice })).toMatchObject({
      verified: false,
      reason:
        'the signature verified only in the legacy format; --require bundle needs one in the bundle format',
    });
  });

  it('rejects a foreign identity and reports each rejected signature', () => {
    const failed: SignatureCheck = {
      verified: false,
      format: 'legacy',
      source: 'sha256-ab.sig layer 0',
      code: 'DIGEST_MISMATCH',
      message: 'the signature is for sha256:cd, not the image sha256:ab',
    };
    const verdict = decideImage([ok('bundle', 'mallory'), failed], {
      require: 'any',
      identity: alice,
    });
    expect(verdict).toMatchObject({
      verified: false,
      rejected: [{ code: 'IDENTITY_MISMATCH', source: 'bundle 1' }, failed],
      reason:
        'no signature verified: bundle 1: --certificate-identity: the certificate does not match "alice" (it has "mallory") (IDENTITY_MISMATCH) (and 1 more rejected)',
    });
  });

  it('counts only attestations of the type asked for', () => {
    const att = ok('bundle', 'alice', {
      kind: 'attestation',
      predicateType: 'https://slsa.dev/provenance/v1',
    });
    expect(decideImage([att], { require: 'any', identity: alice }).reason).toBe(
      'no signature found',
    );
    expect(
      decideImage([att], {
        require: 'any',
        predicateType: 'https://spdx.dev/Document',
        identity: alice,
      }).verified,
    ).toBe(false);
    expect(
      decideImage([att], {
        require: 'any',
        predicateType: 'https://slsa.dev/provenance/v1',
        identity: alice,
      }).verified,
    ).toBe(true);
  });
});
