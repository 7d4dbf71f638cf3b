import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { fingerprintOf, parseCertificate, publicKeyToPem } from '@app/signing';
import publicGood from '@app/signing/testdata/rekor-public-good.json';
import { canonicalizeHashedRekord } from './hashedrekord';
import { canonicalizeProposedEntry } from './proposed-entry';
import {
  b64,
  certificateSigner,
  entryErrorOf,
  hashedRekordProposal,
  keySigner,
  sha256,
  withField,
  type CertificateSigner,
} from './testing';

const artifact = Buffer.from('hello, hashedrekord');
const digestHex = sha256(artifact).toString('hex');

describe(canonicalizeHashedRekord.name, () => {
  let signer: CertificateSigner;
  let proposal: ReturnType<typeof hashedRekordProposal>;

  beforeAll(async () => {
    signer = await certificateSigner();
    proposal = hashedRekordProposal(signer, artifact);
  });

  // Known answer: entry 11074687 of the public-good Rekor (libs/signing/src/testdata). sigstore-js
  // and cosign propose exactly the stored form, so canonicalizing the stored body must give it back
  // byte for byte, and its ECDSA P-256 signature must verify over the bare SHA-256 digest.
  it('reproduces a public-good Rekor hashedrekord body byte for byte', () => {
    const body = Buffer.from(publicGood.entry.body, 'base64');
    const entry = canonicalizeProposedEntry(JSON.parse(body.toString('utf8')));
    expect(entry.body.toString('utf8')).toBe(body.toString('utf8'));
    expect(entry.indexKeys[0]).toBe(
      'sha256:5aa03f96c77536579166fba147929626cc3a97960e994057a9d80271a736d10f',
    );
  });

  it('canonicalizes a certificate-signed entry to the exact JCS form Rekor stores', () => {
    const entry = canonicalizeProposedEntry(proposal);
    const expected =
      '{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256",' +
      `"value":"${digestHex}"}},"signature":{"content":"${proposal.spec.signature.content}",` +
      `"publicKey":{"content":"${b64(signer.pem)}"}}}}`;
    expect(entry.body.toString('utf8')).toBe(expected);
    expect(entry.kind).toBe('hashedrekord');
    expect(entry.apiVersion).toBe('0.0.1');
    expect(entry.verifiers).toHaveLength(1);
    expect(entry.verifiers[0]!.certificate?.der).toEqual(signer.certificate);
    expect(fingerprintOf(entry.verifiers[0]!.publicKey)).toBe(fingerprintOf(signer.publicKey));
    expect(entry.indexKeys).toEqual([
      `sha256:${digestHex}`,
      `key:${fingerprintOf(signer.publicKey)}`,
      'email:dev@example.com',
    ]);
  });

  it('gives byte-identical output for equal input, whatever the property order', () => {
    const first = canonicalizeProposedEntry(proposal);
    const { apiVersion, kind, spec } = structuredClone(proposal);
    const reordered = { spec: { signature: spec.signature, data: spec.data }, kind, apiVersion };
    expect(canonicalizeProposedEntry(reordered).body).toEqual(first.body);
    expect(canonicalizeProposedEntry(structuredClone(proposal)).body).toEqual(first.body);
  });

  it('re-encodes a PEM chain, verifies it, and takes the first certificate as the signer', () => {
    const chained = withField(proposal, 'spec.signature.publicKey.content', b64(signer.chainPem));
    const entry = canonicalizeProposedEntry(chained);
    expect(entry.body.toString()).toContain(`"publicKey":{"content":"${b64(signer.chainPem)}"}`);
    expect(entry.verifiers[0]!.certificate?.der).toEqual(signer.certificate);
  });

  it('refuses a chain whose certificates do not chain', async () => {
    const stranger = await certificateSigner();
    const broken = withField(
      proposal,
      'spec.signature.publicKey.content',
      b64(signer.pem + stranger.pem),
    );
    const serial = parseCertificate(signer.certificate).serialNumber.toString(16);
    expect(entryErrorOf(() => canonicalizeProposedEntry(broken))).toMatchObject({
      code: 'INVALID_VERIFIER',
      message: `spec.signature.publicKey.content: leaf serial 0x${serial}: no trusted root or intermediate has subject "O=Signet, CN=Signet Test Intermediate"`,
    });
  });

  it.each([
    ['ecdsa-p384-sha384', 'sha384'],
    ['rsa-pkcs1-sha256', 'sha256'],
    ['ecdsa-p256-sha256', 'sha256'],
  ] as const)(
    'accepts a bare %s public key with %s, stored as re-encoded PEM',
    (algorithm, hash) => {
      const keyOnly = keySigner(algorithm);
      // CRLF line ends: Rekor stores the key re-encoded, not as sent.
      const sent = { ...keyOnly, pem: keyOnly.pem.replace(/\n/g, '\r\n') };
      const entry = canonicalizeProposedEntry(hashedRekordProposal(sent, artifact, hash));
      const stored = JSON.parse(entry.body.toString()) as typeof proposal;
      expect(stored.spec.signature.publicKey.content).toBe(b64(publicKeyToPem(keyOnly.publicKey)));
      expect(stored.spec.data.hash.algorithm).toBe(hash);
      expect(entry.verifiers).toEqual([{ publicKey: expect.anything() as unknown }]);
      expect(entry.indexKeys).toEqual([
        `${hash}:${createHash(hash).update(artifact).digest('hex')}`,
        `key:${fingerprintOf(keyOnly.publicKey)}`,
      ]);
    },
  );

  const pemOf = (label: string, body: string) =>
    b64(`-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`);

  // [what, field path, value (undefined: delete), code, message]
  // prettier-ignore
  it.each([
    ['missing signature', 'spec.signature', undefined, 'MALFORMED_ENTRY', 'spec.signature: missing required property'],
    ['missing digest', 'spec.data.hash.value', undefined, 'MALFORMED_ENTRY', 'spec.data.hash.value: missing required property'],
    ['extra spec field', 'spec.extra', 1, 'MALFORMED_ENTRY', 'spec.extra: unknown property'],
    ['extra hash field', 'spec.data.hash.size', 32, 'MALFORMED_ENTRY', 'spec.data.hash.size: unknown property'],
    ['key URL (not stored by Rekor)', 'spec.signature.publicKey.url', 'x', 'MALFORMED_ENTRY', 'spec.signature.publicKey.url: unknown property'],
    ['data as array', 'spec.data', [], 'MALFORMED_ENTRY', 'spec.data: must be a JSON object'],
    ['hash null', 'spec.data.hash', null, 'MALFORMED_ENTRY', 'spec.data.hash: must be a JSON object'],
    ['signature number', 'spec.signature.content', 42, 'MALFORMED_ENTRY', 'spec.signature.content: must be a string'],
    ['signature empty', 'spec.signature.content', '', 'MALFORMED_ENTRY', 'spec.signature.content: must not be empty'],
    ['signature not base64', 'spec.signature.content', 'not base64!', 'MALFORMED_ENTRY', 'spec.signature.content: not valid base64'],
    ['signature unpadded', 'spec.signature.content', 'MEUCIQ', 'MALFORMED_ENTRY', 'spec.signature.content: not valid base64'],
    ['key URL-safe base64', 'spec.signature.publicKey.content', 'a-b_', 'MALFORMED_ENTRY', 'spec.signature.publicKey.content: not valid base64'],
    ['digest of 63 hex digits', 'spec.data.hash.value', digestHex.slice(1), 'MALFORMED_ENTRY', 'spec.data.hash.value: sha256 digest must be 64 lowercase hex characters, got 63'],
    ['digest in uppercase', 'spec.data.hash.value', digestHex.toUpperCase(), 'MALFORMED_ENTRY', `spec.data.hash.value: sha256 digest must be 64 lowercase hex characters, got "${digestHex.toUpperCase().slice(0, 40)}…" (not lowercase hex)`],
    ['unknown algorithm', 'spec.data.hash.algorithm', 'md5', 'MALFORMED_ENTRY', 'spec.data.hash.algorithm: unsupported algorithm "md5" (supported: sha256, sha384, sha512)'],
    ['digest too short for sha384', 'spec.data.hash.algorithm', 'sha384', 'MALFORMED_ENTRY', 'spec.data.hash.value: sha384 digest must be 96 lowercase hex characters, got 64'],
    ['key not PEM', 'spec.signature.publicKey.content', b64('hello'), 'INVALID_VERIFIER', 'spec.signature.publicKey.content: not a PEM certificate or public key'],
    ['private key PEM', 'spec.signature.publicKey.content', pemOf('PRIVATE KEY', 'AAAA'), 'INVALID_VERIFIER', 'spec.signature.publicKey.content: PEM block "PRIVATE KEY" is neither CERTIFICATE nor PUBLIC KEY'],
    ['truncated certificate', 'spec.signature.publicKey.content', pemOf('CERTIFICATE', 'MIIB'), 'INVALID_VERIFIER', 'spec.signature.publicKey.content: malformed certificate: DER: truncated length at offset 0'],
    ['certificate PEM not base64', 'spec.signature.publicKey.content', pemOf('CERTIFICATE', 'MII!'), 'INVALID_VERIFIER', 'spec.signature.publicKey.content: PEM CERTIFICATE block is not valid base64'],
    ['truncated public key', 'spec.signature.publicKey.content', pemOf('PUBLIC KEY', 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE'), 'INVALID_VERIFIER', 'spec.signature.publicKey.content: public key is not a valid PEM SPKI'],
  ])('refuses %s', (_what, path, value, code, message) => {
    const error = entryErrorOf(() => canonicalizeProposedEntry(withField(proposal, path, value)));
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
  });

  it('refuses a signature with one byte flipped', () => {
    const signature = Buffer.from(proposal.spec.signature.content, 'base64');
    signature[signature.length - 1]! ^= 0x01;
    const tampered = withField(proposal, 'spec.signature.content', b64(signature));
    expect(entryErrorOf(() => canonicalizeProposedEntry(tampered))).toMatchObject({
      code: 'INVALID_SIGNATURE',
      message:
        'spec.signature: signature does not verify against the digest with the given public key',
    });
  });

  it('refuses a valid signature presented with the digest of another artifact', () => {
    const other = withField(proposal, 'spec.data.hash.value', sha256('other').toString('hex'));
    expect(entryErrorOf(() => canonicalizeProposedEntry(other)).code).toBe('INVALID_SIGNATURE');
  });

  it('refuses a hash the key is not used with (Rekor: P-256 goes with SHA-256 only)', () => {
    const mismatched = hashedRekordProposal(signer, artifact, 'sha512');
    expect(entryErrorOf(() => canonicalizeProposedEntry(mismatched))).toMatchObject({
      code: 'MALFORMED_ENTRY',
      message:
        'spec.data.hash.algorithm: sha512 cannot be used with this ecdsa-p256-sha256 key (expected sha256)',
    });
  });

  it('refuses Ed25519 keys, which Rekor verifies as Ed25519ph', () => {
    const ed = hashedRekordProposal(keySigner('ed25519'), artifact, 'sha512');
    expect(entryErrorOf(() => canonicalizeProposedEntry(ed))).toMatchObject({
      code: 'INVALID_VERIFIER',
      message:
        'spec.signature.publicKey.content: Ed25519 keys are not supported in hashedrekord entries (Rekor verifies them as Ed25519ph)',
    });
  });

  it('refuses unsupported and non-canonical keys', () => {
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey;
    const withKey = (pem: string) =>
      withField(proposal, 'spec.signature.publicKey.content', b64(pem));
    expect(
      entryErrorOf(() => canonicalizeProposedEntry(withKey(publicKeyToPem(p521)))),
    ).toMatchObject({
      code: 'INVALID_VERIFIER',
      message:
        'spec.signature.publicKey.content: unsupported EC curve secp521r1; use P-256 or P-384',
    });
    // The signer's own key with its point compressed (SEC 1 §2.3.3): Go, and so Rekor, refuses it.
    const jwk = signer.publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x!, 'base64url');
    const odd = Buffer.from(jwk.y!, 'base64url').at(-1)! & 1;
    const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
    const compressed = createPublicKey({
      key: Buffer.concat([prefix, Buffer.of(2 + odd), x]),
      format: 'der',
      type: 'spki',
    });
    expect(
      entryErrorOf(() => canonicalizeProposedEntry(withKey(publicKeyToPem(compressed)))),
    ).toMatchObject({
      code: 'INVALID_VERIFIER',
      message:
        'spec.signature.publicKey.content: public key is not in canonical SPKI form (compressed EC point?)',
    });
  });
});
