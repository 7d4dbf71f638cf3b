import { fingerprintOf, preAuthEncoding, publicKeyToPem } from '@app/signing';
import { canonicalizeDsse, matchSignatures } from './dsse';
import { canonicalizeProposedEntry, parseProposedEntry } from './proposed-entry';
import publicGood from './testdata/public-good-entries.json';
import {
  b64,
  certificateSigner,
  dsseEnvelope,
  dsseProposal,
  entryErrorOf,
  keySigner,
  sha256,
  signWith,
  withField,
  type CertificateSigner,
} from './testing';

const payload = 'hello, dsse';
const payloadHash = sha256(payload).toString('hex');
const ENVELOPE = 'spec.proposedContent.envelope';

describe(canonicalizeDsse.name, () => {
  let signer: CertificateSigner;
  let envelope: ReturnType<typeof dsseEnvelope>;
  let proposal: ReturnType<typeof dsseProposal>;

  beforeAll(async () => {
    signer = await certificateSigner();
    envelope = dsseEnvelope([signer], 'text/plain', payload);
    proposal = dsseProposal(envelope, [signer.pem]);
  });

  // Known answer: public-good Rekor entry 83460520 (testdata/public-good-entries.json), proposed
  // again as its client did: the envelope string and the Fulcio certificate as PEM.
  it('reproduces a public-good Rekor dsse body byte for byte', () => {
    const { certificate, proposedEnvelope, canonicalizedBody } = publicGood.dsse;
    const pem = `-----BEGIN CERTIFICATE-----\n${certificate.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    const entry = canonicalizeProposedEntry({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: { proposedContent: { envelope: proposedEnvelope, verifiers: [b64(pem)] } },
    });
    expect(entry.body.toString('utf8')).toBe(
      Buffer.from(canonicalizedBody, 'base64').toString('utf8'),
    );
  });

  it('canonicalizes to the exact JCS form Rekor stores', () => {
    const entry = canonicalizeProposedEntry(proposal);
    const expected =
      '{"apiVersion":"0.0.1","kind":"dsse","spec":{"envelopeHash":{"algorithm":"sha256",' +
      `"value":"${sha256(proposal.spec.proposedContent.envelope).toString('hex')}"},` +
      `"payloadHash":{"algorithm":"sha256","value":"${payloadHash}"},` +
      `"signatures":[{"signature":"${envelope.signatures[0]!.sig}","verifier":"${b64(signer.pem)}"}]}}`;
    expect(entry.body.toString('utf8')).toBe(expected);
    expect(entry.verifiers).toEqual([
      {
        publicKey: expect.anything() as unknown,
        certificate: expect.objectContaining({ der: signer.certificate }) as unknown,
      },
    ]);
    expect(entry.indexKeys).toEqual([
      `sha256:${payloadHash}`,
      `key:${fingerprintOf(signer.publicKey)}`,
      'email:dev@example.com',
    ]);
    expect(canonicalizeProposedEntry(structuredClone(proposal)).body).toEqual(entry.body);
  });

  it('hashes the envelope string exactly as sent', () => {
    const spaced = withField(
      proposal,
      'spec.proposedContent.envelope',
      JSON.stringify(envelope, null, 2),
    );
    const a = JSON.parse(canonicalizeProposedEntry(proposal).body.toString()) as EntryJson;
    const b = JSON.parse(canonicalizeProposedEntry(spaced).body.toString()) as EntryJson;
    expect(a.spec.envelopeHash.value).not.toBe(b.spec.envelopeHash.value);
    expect(b.spec.envelopeHash.value).toBe(
      sha256(JSON.stringify(envelope, null, 2)).toString('hex'),
    );
  });

  it('stores one entry per distinct signature, sorted, with the verifier that checked it', () => {
    const other = keySigner('ecdsa-p384-sha384');
    const unused = keySigner();
    const twice = dsseEnvelope([signer, other], 'text/plain', payload);
    twice.signatures.push(twice.signatures[0]!);
    const entry = canonicalizeProposedEntry(
      dsseProposal(twice, [unused.pem, other.pem.replace(/\n/g, '\r\n'), signer.pem]),
    );
    const stored = (JSON.parse(entry.body.toString()) as EntryJson).spec.signatures;
    const expected = [
      { signature: twice.signatures[0]!.sig, verifier: b64(signer.pem) },
      { signature: twice.signatures[1]!.sig, verifier: b64(publicKeyToPem(other.publicKey)) },
    ].sort((a, b) => (a.signature < b.signature ? -1 : 1));
    expect(stored).toEqual(expected);
    // Verifiers in the order sent, those that verified nothing left out.
    expect(entry.verifiers.map((v) => fingerprintOf(v.publicKey))).toEqual([
      fingerprintOf(other.publicKey),
      fingerprintOf(signer.publicKey),
    ]);
  });

  it('indexes the subjects of an in-toto statement', () => {
    const digest = 'AB'.repeat(32);
    const statement = JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'a', digest: { sha256: digest } },
        { name: 'b', digest: { sha1: 'x' } },
      ],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {},
    });
    const attestation = dsseEnvelope([signer], 'application/vnd.in-toto+json', statement);
    const entry = canonicalizeProposedEntry(dsseProposal(attestation, [signer.pem]));
    expect(entry.indexKeys).toEqual([
      `sha256:${sha256(statement).toString('hex')}`,
      `sha256:${digest.toLowerCase()}`,
      `key:${fingerprintOf(signer.publicKey)}`,
      'email:dev@example.com',
    ]);
  });

  it.each(['ecdsa-p384-sha384', 'ed25519', 'rsa-pkcs1-sha256'] as const)(
    'verifies %s keys over the PAE with SHA-256, as Rekor and sigstore-js do',
    (algorithm) => {
      const key = keySigner(algorithm);
      const entry = canonicalizeProposedEntry(
        dsseProposal(dsseEnvelope([key], 'text/plain', payload), [key.pem]),
      );
      expect(entry.indexKeys).toContain(`key:${fingerprintOf(key.publicKey)}`);
    },
  );

  it('refuses a P-384 signature made with SHA-384, which Rekor clients cannot verify', () => {
    const key = keySigner('ecdsa-p384-sha384');
    const sig = b64(signWith(key, preAuthEncoding('text/plain', Buffer.from(payload)), 'sha384'));
    const sha384Envelope = {
      payload: b64(payload),
      payloadType: 'text/plain',
      signatures: [{ sig }],
    };
    expect(
      entryErrorOf(() => canonicalizeProposedEntry(dsseProposal(sha384Envelope, [key.pem]))).code,
    ).toBe('INVALID_SIGNATURE');
  });

  const flipped = (sig: string) => {
    const bytes = Buffer.from(sig, 'base64');
    bytes[bytes.length - 1]! ^= 0x01;
    return b64(bytes);
  };
  // Edits of the proposal, applied when a test runs (after beforeAll has built it).
  const set = (path: string, value: unknown) => (p: unknown) => withField(p, path, value);
  const envelopeWith = (changes: () => object) => (p: unknown) =>
    withField(p, ENVELOPE, JSON.stringify({ ...envelope, ...changes() }));
  const firstSig = () => envelope.signatures[0]!.sig;
  const UNVERIFIED = 'signature does not verify with any of spec.proposedContent.verifiers';

  // [what, edit of the proposal, code, message]
  // prettier-ignore
  it.each([
    ['missing proposedContent', set('spec.proposedContent', undefined), 'MALFORMED_ENTRY', 'spec.proposedContent: missing required property'],
    ['log-computed field proposed', set('spec.envelopeHash', { algorithm: 'sha256', value: '00' }), 'MALFORMED_ENTRY', 'spec.envelopeHash: is computed by the log; propose only spec.proposedContent'],
    ['extra proposedContent field', set('spec.proposedContent.extra', true), 'MALFORMED_ENTRY', 'spec.proposedContent.extra: unknown property'],
    ['envelope as an object', set(ENVELOPE, {}), 'MALFORMED_ENTRY', `${ENVELOPE}: must be a string`],
    ['envelope not JSON', set(ENVELOPE, '{"payload":'), 'MALFORMED_ENTRY', `${ENVELOPE}: not valid JSON`],
    ['envelope without payloadType', set(ENVELOPE, '{"payload":"aGk=","signatures":[{"sig":"AAAA"}]}'), 'MALFORMED_ENTRY', `${ENVELOPE}: envelope payloadType must be a string`],
    ['envelope without signatures', envelopeWith(() => ({ signatures: [] })), 'MALFORMED_ENTRY', `${ENVELOPE}: envelope must have at least one signature`],
    ['signature in URL-safe base64', envelopeWith(() => ({ signatures: [{ sig: '-_-_' }] })), 'MALFORMED_ENTRY', `${ENVELOPE}.signatures[0].sig: not valid base64`],
    ['no verifiers', set('spec.proposedContent.verifiers', []), 'MALFORMED_ENTRY', 'spec.proposedContent.verifiers: must not be empty'],
    ['verifier not base64', set('spec.proposedContent.verifiers.0', '%%'), 'MALFORMED_ENTRY', 'spec.proposedContent.verifiers[0]: not valid base64'],
    ['verifier not PEM', set('spec.proposedContent.verifiers.0', b64('key')), 'INVALID_VERIFIER', 'spec.proposedContent.verifiers[0]: not a PEM certificate or public key'],
    ['signature flipped', envelopeWith(() => ({ signatures: [{ sig: flipped(firstSig()) }] })), 'INVALID_SIGNATURE', `${ENVELOPE}.signatures[0]: ${UNVERIFIED}`],
    ['payload changed', envelopeWith(() => ({ payload: b64('hello, dssf') })), 'INVALID_SIGNATURE', `${ENVELOPE}.signatures[0]: ${UNVERIFIED}`],
    ['payloadType changed', envelopeWith(() => ({ payloadType: 'text/html' })), 'INVALID_SIGNATURE', `${ENVELOPE}.signatures[0]: ${UNVERIFIED}`],
    ['second signature unverifiable', envelopeWith(() => ({ signatures: [{ sig: firstSig() }, { sig: flipped(firstSig()) }] })), 'INVALID_SIGNATURE', `${ENVELOPE}.signatures[1]: ${UNVERIFIED}`],
    ['verifier is another key', set('spec.proposedContent.verifiers.0', b64(keySigner().pem)), 'INVALID_SIGNATURE', `${ENVELOPE}.signatures[0]: ${UNVERIFIED}`],
  ])('refuses %s', (_what, edit, code, message) => {
    const error = entryErrorOf(() => canonicalizeProposedEntry(edit(proposal)));
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
  });
});

interface EntryJson {
  spec: {
    envelopeHash: { value: string };
    signatures: { signature: string; verifier: string }[];
  };
}

describe('dsse: limits and the order of checks', () => {
  let signer: CertificateSigner;

  beforeAll(async () => {
    signer = await certificateSigner();
  });

  // Distinct, well-formed signatures that verify with nothing: a limit refused on them was refused
  // before any verification could have failed.
  const bogus = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ sig: b64(Buffer.alloc(64, i + 1)) }));
  const envelopeOf = (signatures: Array<{ sig: string; keyid?: string }>) => ({
    payload: b64(payload),
    payloadType: 'text/plain',
    signatures,
  });

  it('refuses more than 8 envelope signatures, naming the field', () => {
    const error = entryErrorOf(() =>
      parseProposedEntry(dsseProposal(envelopeOf(bogus(9)), [signer.pem])),
    );
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'MALFORMED_ENTRY',
      message: `${ENVELOPE}.signatures: has 9 signatures; at most 8 are accepted`,
    });
  });

  it('refuses more than 8 verifiers, naming the field', () => {
    const keys = Array.from({ length: 9 }, () => keySigner().pem);
    const error = entryErrorOf(() => parseProposedEntry(dsseProposal(envelopeOf(bogus(1)), keys)));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'MALFORMED_ENTRY',
      message: 'spec.proposedContent.verifiers: has 9 verifiers; at most 8 are accepted',
    });
  });

  it('refuses a verifier listed twice, even in another PEM spelling', () => {
    const error = entryErrorOf(() =>
      parseProposedEntry(
        dsseProposal(envelopeOf(bogus(1)), [signer.pem, signer.pem.replace(/\n/g, '\r\n')]),
      ),
    );
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'MALFORMED_ENTRY',
      message:
        'spec.proposedContent.verifiers[1]: the same key or certificate as spec.proposedContent.verifiers[0]',
    });
  });

  it('names every verifier for write authorization without verifying a signature', () => {
    const other = keySigner();
    const parsed = parseProposedEntry(dsseProposal(envelopeOf(bogus(8)), [signer.pem, other.pem]));
    expect(parsed.verifiers.map((v) => fingerprintOf(v.publicKey))).toEqual([
      fingerprintOf(signer.publicKey),
      fingerprintOf(other.publicKey),
    ]);
    expect(parsed.verifiers[0]!.certificate).toBeDefined();
    // Only verify() looks at the signatures.
    expect(entryErrorOf(() => parsed.verify()).code).toBe('INVALID_SIGNATURE');
  });
});

describe(matchSignatures.name, () => {
  /** Runs matchSignatures where signature i verifies only with verifier `owner[i]`, counting tries. */
  function run(owner: number[], verifiers: number, named: (i: number) => number | undefined) {
    let tries = 0;
    const result = matchSignatures(owner.length, verifiers, named, (s, v) => {
      tries++;
      return owner[s] === v;
    });
    return { ...result, tries };
  }

  it('tries a signature whose keyid names a verifier against that verifier only', () => {
    expect(run([7, 7, 7, 7, 7, 7, 7, 7], 8, () => 7)).toEqual({
      verifiers: [7, 7, 7, 7, 7, 7, 7, 7],
      tries: 8,
    });
  });

  it('tries the verifier of the previous signature first: 8 signatures by the last of 8 keys', () => {
    // Without keyids, the first signature looks for its key; every other one finds it at once
    // (64 verifications before).
    expect(run([7, 7, 7, 7, 7, 7, 7, 7], 8, () => undefined)).toEqual({
      verifiers: [7, 7, 7, 7, 7, 7, 7, 7],
      tries: 15,
    });
  });

  it('falls back to every verifier when the named one does not verify, and stops at the first failure', () => {
    expect(run([2, 0], 3, () => 1)).toEqual({ verifiers: [2, 0], tries: 6 });
    expect(run([0, -1, 0], 2, () => undefined)).toEqual({
      verifiers: [0],
      unverified: 1,
      tries: 3,
    });
  });
});
