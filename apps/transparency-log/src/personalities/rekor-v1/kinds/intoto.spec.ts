import { canonicalJson, fingerprintOf } from '@app/signing';
import { canonicalizeIntoto } from './intoto';
import { canonicalizeProposedEntry, parseProposedEntry } from './proposed-entry';
import publicGood from './testdata/public-good-entries.json';
import {
  b64,
  certificateSigner,
  entryErrorOf,
  intotoProposal,
  keySigner,
  sha256,
  withField,
  type CertificateSigner,
} from './testing';

const payload = '{"_type":"https://in-toto.io/Statement/v1","subject":[]}';
const payloadHash = sha256(payload).toString('hex');
const ENVELOPE = 'spec.content.envelope';

describe(canonicalizeIntoto.name, () => {
  let signer: CertificateSigner;
  let proposal: ReturnType<typeof intotoProposal>;

  beforeAll(async () => {
    signer = await certificateSigner();
    proposal = intotoProposal(signer, 'application/vnd.in-toto+json', payload);
  });

  // Known answer: public-good Rekor entry 6751924 (testdata/public-good-entries.json). The stored
  // body lacks only the payload, which the bundle's envelope supplies; the client computed `hash`.
  it('reproduces a public-good Rekor intoto body byte for byte', () => {
    const { canonicalizedBody, envelope } = publicGood.intoto;
    const body = Buffer.from(canonicalizedBody, 'base64').toString('utf8');
    const proposed = withField(
      JSON.parse(body),
      'spec.content.envelope.payload',
      b64(envelope.payload),
    );
    const entry = canonicalizeProposedEntry(proposed);
    expect(entry.body.toString('utf8')).toBe(body);
    expect(entry.indexKeys).toContain('email:brian@dehamer.com');
  });

  it('canonicalizes to the exact JCS form Rekor stores: no payload, fields as sent', () => {
    const entry = canonicalizeProposedEntry(proposal);
    const { hash, envelope } = proposal.spec.content;
    const expected =
      '{"apiVersion":"0.0.2","kind":"intoto","spec":{"content":{"envelope":{' +
      '"payloadType":"application/vnd.in-toto+json","signatures":[{' +
      `"publicKey":"${b64(signer.pem)}","sig":"${envelope.signatures[0]!.sig}"}]},` +
      `"hash":{"algorithm":"sha256","value":"${hash.value}"},` +
      `"payloadHash":{"algorithm":"sha256","value":"${payloadHash}"}}}}`;
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

  it('keeps a non-empty keyid in both the hash and the stored signature', () => {
    const withKeyid = intotoProposal(signer, 'text/plain', 'hi', 'key-1');
    const entry = canonicalizeProposedEntry(withKeyid);
    expect(entry.body.toString()).toContain('"signatures":[{"keyid":"key-1","publicKey":');
  });

  it('drops an empty keyid, as Rekor does and sigstore-js expects', () => {
    const empty = withField(proposal, `${ENVELOPE}.signatures.0.keyid`, '');
    expect(canonicalizeProposedEntry(empty).body).toEqual(canonicalizeProposedEntry(proposal).body);
  });

  it('computes payloadHash when the client leaves it out', () => {
    const without = withField(proposal, 'spec.content.payloadHash', undefined);
    expect(canonicalizeProposedEntry(without).body).toEqual(
      canonicalizeProposedEntry(proposal).body,
    );
  });

  it('accepts the hash sigstore-js computed before July 2023, without the keys', () => {
    const { payloadType, signatures } = proposal.spec.content.envelope;
    const legacy = sha256(
      canonicalJson({
        payloadType,
        payload: b64(payload),
        signatures: [{ sig: Buffer.from(signatures[0]!.sig, 'base64').toString() }],
      }),
    ).toString('hex');
    const entry = canonicalizeProposedEntry(withField(proposal, 'spec.content.hash.value', legacy));
    expect(entry.body.toString()).toContain(`"hash":{"algorithm":"sha256","value":"${legacy}"}`);
  });

  it('accepts a bare public key and keeps its PEM exactly as sent', () => {
    const key = keySigner('ed25519');
    const entry = canonicalizeProposedEntry(intotoProposal(key, 'text/plain', 'hi'));
    expect(entry.body.toString()).toContain(`"publicKey":"${b64(key.pem)}"`);
    expect(entry.verifiers).toEqual([{ publicKey: expect.anything() as unknown }]);
  });

  // `hash` recomputed over an edited envelope, so a test reaches the check after the hash check.
  const rehashed = (edit: (e: typeof proposal.spec.content.envelope) => void) => {
    const copy = structuredClone(proposal);
    edit(copy.spec.content.envelope);
    const { payloadType, signatures } = copy.spec.content.envelope;
    const once = (text: string) => Buffer.from(text, 'base64').toString('latin1');
    copy.spec.content.hash.value = sha256(
      canonicalJson({
        payloadType,
        payload: once(copy.spec.content.envelope.payload),
        signatures: signatures.map((s) => ({ sig: once(s.sig), publicKey: once(s.publicKey) })),
      }),
    ).toString('hex');
    return copy;
  };
  const computed = (p: typeof proposal) =>
    sha256(
      canonicalJson({
        payloadType: p.spec.content.envelope.payloadType,
        payload: b64(payload),
        signatures: [{ sig: signatureOf(p), publicKey: signer.pem }],
      }),
    ).toString('hex');
  const signatureOf = (p: typeof proposal) =>
    Buffer.from(p.spec.content.envelope.signatures[0]!.sig, 'base64').toString();

  it('refuses a hash that does not match the envelope, naming spec.content.hash', () => {
    const wrong = withField(proposal, 'spec.content.hash.value', 'ab'.repeat(32));
    expect(entryErrorOf(() => canonicalizeProposedEntry(wrong))).toMatchObject({
      code: 'HASH_MISMATCH',
      message: `spec.content.hash: value does not match the SHA-256 of the canonical envelope (computed ${computed(proposal)})`,
    });
  });

  it('refuses an envelope changed after hashing (payloadType), as a hash mismatch', () => {
    const changed = withField(proposal, `${ENVELOPE}.payloadType`, 'text/plain');
    expect(entryErrorOf(() => canonicalizeProposedEntry(changed)).code).toBe('HASH_MISMATCH');
  });

  it('refuses a payloadHash that does not match the payload', () => {
    const wrong = withField(proposal, 'spec.content.payloadHash.value', 'cd'.repeat(32));
    expect(entryErrorOf(() => canonicalizeProposedEntry(wrong))).toMatchObject({
      code: 'HASH_MISMATCH',
      message: `spec.content.payloadHash: value does not match the SHA-256 of the payload (computed ${payloadHash})`,
    });
  });

  it('refuses a signature with one byte flipped even when the hash covers it', () => {
    const tampered = rehashed((envelope) => {
      const sig = Buffer.from(
        Buffer.from(envelope.signatures[0]!.sig, 'base64').toString(),
        'base64',
      );
      sig[sig.length - 1]! ^= 0x01;
      envelope.signatures[0]!.sig = b64(b64(sig));
    });
    expect(entryErrorOf(() => canonicalizeProposedEntry(tampered))).toMatchObject({
      code: 'INVALID_SIGNATURE',
      message: `${ENVELOPE}.signatures[0]: signature does not verify with its publicKey`,
    });
  });

  it('refuses a signature presented with another key even when the hash covers it', () => {
    const swapped = rehashed((envelope) => {
      envelope.signatures[0]!.publicKey = b64(keySigner().pem);
    });
    expect(entryErrorOf(() => canonicalizeProposedEntry(swapped)).code).toBe('INVALID_SIGNATURE');
  });

  // [what, field path, value (undefined: delete), code, message]
  // prettier-ignore
  it.each([
    ['missing content', 'spec.content', undefined, 'MALFORMED_ENTRY', 'spec.content: missing required property'],
    ['missing hash', 'spec.content.hash', undefined, 'MALFORMED_ENTRY', 'spec.content.hash: missing required property'],
    ['missing payload', `${ENVELOPE}.payload`, undefined, 'MALFORMED_ENTRY', `${ENVELOPE}.payload: missing required property`],
    ['extra envelope field', `${ENVELOPE}.extra`, 1, 'MALFORMED_ENTRY', `${ENVELOPE}.extra: unknown property`],
    ['extra signature field', `${ENVELOPE}.signatures.0.extra`, 1, 'MALFORMED_ENTRY', `${ENVELOPE}.signatures[0].extra: unknown property`],
    ['no signatures', `${ENVELOPE}.signatures`, [], 'MALFORMED_ENTRY', `${ENVELOPE}.signatures: must not be empty`],
    ['keyid not a string', `${ENVELOPE}.signatures.0.keyid`, 7, 'MALFORMED_ENTRY', `${ENVELOPE}.signatures[0].keyid: must be a string`],
    ['payload base64 once only', `${ENVELOPE}.payload`, b64(payload), 'MALFORMED_ENTRY', `${ENVELOPE}.payload: must be base64 of base64, but the decoded value is not valid base64`],
    ['payload not base64', `${ENVELOPE}.payload`, '***', 'MALFORMED_ENTRY', `${ENVELOPE}.payload: not valid base64`],
    ['sig not base64', `${ENVELOPE}.signatures.0.sig`, 'AB', 'MALFORMED_ENTRY', `${ENVELOPE}.signatures[0].sig: not valid base64`],
    ['hash algorithm sha512', 'spec.content.hash.algorithm', 'sha512', 'MALFORMED_ENTRY', 'spec.content.hash.algorithm: unsupported algorithm "sha512" (supported: sha256)'],
    ['hash value 63 digits', 'spec.content.hash.value', 'a'.repeat(63), 'MALFORMED_ENTRY', 'spec.content.hash.value: sha256 digest must be 64 lowercase hex characters, got 63'],
    ['publicKey not PEM', `${ENVELOPE}.signatures.0.publicKey`, b64('nope'), 'INVALID_VERIFIER', `${ENVELOPE}.signatures[0].publicKey: not a PEM certificate or public key`],
  ])('refuses %s', (_what, path, value, code, message) => {
    const error = entryErrorOf(() => canonicalizeProposedEntry(withField(proposal, path, value)));
    expect({ code: error.code, message: error.message }).toEqual({ code, message });
  });
});

describe('intoto: limits', () => {
  it('refuses more than 8 signatures, naming the field, before verifying any', async () => {
    const signer = await certificateSigner();
    const proposal = intotoProposal(signer, 'application/vnd.in-toto+json', payload);
    const one = proposal.spec.content.envelope.signatures[0]!;
    const nine = withField(
      proposal,
      `${ENVELOPE}.signatures`,
      Array.from({ length: 9 }, (_, i) => ({ ...one, sig: b64(b64(Buffer.alloc(64, i))) })),
    );
    const error = entryErrorOf(() => parseProposedEntry(nine));
    expect({ code: error.code, message: error.message }).toEqual({
      code: 'MALFORMED_ENTRY',
      message: `${ENVELOPE}.signatures: has 9 signatures; at most 8 are accepted`,
    });
  });
});
