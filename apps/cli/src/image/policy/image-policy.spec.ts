import type { Signer } from '@sigstore/verify';
import type { VerifiedSignature } from '../formats/verified-signature';
import { compileImageGlob } from './image-glob';
import { ImagePolicyError, parseImagePolicy } from './image-policy';
import { evaluateImagePolicy } from './image-policy-evaluation';

const GITHUB = 'https://token.actions.githubusercontent.com';
const release = 'https://github.com/corp/app/.github/workflows/release.yml@refs/heads/main';
const SLSA = 'https://slsa.dev/provenance/v1';

const policy = parseImagePolicy(
  `
images:
  - glob: registry.corp/team/*
    require: any
    identities:
      - issuer: ${GITHUB}
        subjectRegExp: https://github\\.com/corp/.*/\\.github/workflows/release\\.yml@refs/heads/main
    attestations:
      - predicateType: ${SLSA}
  - glob: registry.corp/**
    require: legacy
    identities:
      - issuerRegExp: https://idp\\.corp
        subject: ops@corp.example
`,
  'policy.yaml',
);

function signature(
  subject: string,
  issuer: string,
  over: Partial<VerifiedSignature> = {},
): VerifiedSignature {
  const signer = {
    identity: { subjectAlternativeName: subject, extensions: { issuer } },
  } as unknown as Signer;
  return { format: 'bundle', kind: 'signature', source: 'referrer sha256:1', signer, ...over };
}

describe(parseImagePolicy.name, () => {
  it('names every invalid field', () => {
    const bad = `
images:
  - glob: registry.corp/app:v1
    require: both
    identities:
      - issuer: ${GITHUB}
        subject: a
        subjectRegExp: b
      - issuerRegExp: "("
        subject: x
    attestations:
      - predicateType: not a uri
        identity: []
`;
    let error: ImagePolicyError | undefined;
    try {
      parseImagePolicy(bad, 'p.yaml');
    } catch (err) {
      error = err as ImagePolicyError;
    }
    expect(error).toBeInstanceOf(ImagePolicyError);
    expect(error!.issues).toEqual([
      'images[0].glob: must name repositories, without a tag or digest',
      'images[0].require: must be bundle, legacy or any',
      'images[0].identities[0]: give exactly one of subject and subjectRegExp',
      expect.stringMatching(
        /^images\[0\]\.identities\[1\]\.issuerRegExp: invalid regular expression: /,
      ),
      'images[0].attestations[0].identity: unknown field (known: predicateType, identities)',
      'images[0].attestations[0].predicateType: must be a URI',
    ]);
    expect(error!.message).toMatch(/^p\.yaml is not a valid image policy: images\[0\]\.glob: /);
  });

  it('refuses an empty policy and one that is not YAML', () => {
    expect(() => parseImagePolicy('images: []', 'p')).toThrow(
      'p is not a valid image policy: images: must be a non-empty list',
    );
    expect(() => parseImagePolicy('images: [', 'p')).toThrow(
      /^p is not a valid image policy: not YAML: /,
    );
  });
});

describe(compileImageGlob.name, () => {
  it('matches * within a segment, ** across, Docker Hub under any of its names', () => {
    expect(compileImageGlob('registry.corp/team/*').test('registry.corp/team/app')).toBe(true);
    expect(compileImageGlob('registry.corp/team/*').test('registry.corp/team/a/b')).toBe(false);
    expect(compileImageGlob('registry.corp/**').test('registry.corp/team/a/b')).toBe(true);
    expect(compileImageGlob('docker.io/library/*').test('index.docker.io/library/alpine')).toBe(
      true,
    );
    expect(compileImageGlob('registry.corp/team.app').test('registry.corp/teamxapp')).toBe(false);
  });
});

describe(evaluateImagePolicy.name, () => {
  const image = 'registry.corp/team/app';
  const signed = signature(release, GITHUB);
  const attested = signature(release, GITHUB, { kind: 'attestation', predicateType: SLSA });

  it('allows an image signed and attested by an allowed identity, under the first matching rule', () => {
    expect(evaluateImagePolicy(policy, image, [signed, attested])).toEqual({
      allowed: true,
      rule: { at: 'images[0]', glob: 'registry.corp/team/*' },
      satisfiedBy: [
        { requirement: 'signature', signature: signed },
        { requirement: SLSA, signature: attested },
      ],
      failures: [],
    });
  });

  it('denies an image no pattern matches', () => {
    expect(evaluateImagePolicy(policy, 'other.registry/app', [signed, attested])).toMatchObject({
      allowed: false,
      failures: [
        {
          requirement: 'image',
          reason: 'no image pattern matches other.registry/app: denied by default',
        },
      ],
    });
  });

  it('says which requirement failed: a foreign identity, a missing attestation', () => {
    const foreign = signature(
      'https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main',
      GITHUB,
    );
    expect(evaluateImagePolicy(policy, image, [foreign])).toEqual({
      allowed: false,
      rule: { at: 'images[0]', glob: 'registry.corp/team/*' },
      satisfiedBy: [],
      failures: [
        {
          requirement: 'signature',
          at: 'images[0].identities',
          reason: `no signature by an allowed identity; signed by https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main (issuer ${GITHUB})`,
        },
        {
          requirement: SLSA,
          at: 'images[0].attestations[0]',
          reason: `no verified ${SLSA} attestation`,
        },
      ],
    });
  });

  it('anchors regexps: a subject with a prefix or suffix does not match', () => {
    const suffixed = signature(`${release}x`, GITHUB);
    expect(evaluateImagePolicy(policy, image, [suffixed, attested]).failures).toHaveLength(1);
  });

  it('holds a rule to its required format', () => {
    const ops = signature('ops@corp.example', 'https://idp.corp');
    expect(evaluateImagePolicy(policy, 'registry.corp/infra/db', [ops])).toMatchObject({
      allowed: false,
      rule: { at: 'images[1]' },
      failures: [
        {
          reason: 'the signature is stored only in the bundle format; images[1].require is legacy',
        },
      ],
    });
    expect(
      evaluateImagePolicy(policy, 'registry.corp/infra/db', [{ ...ops, format: 'legacy' }]).allowed,
    ).toBe(true);
  });
});
