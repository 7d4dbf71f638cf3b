// Checks by implementations we did not write: proposed entries built by sigstore-js's own
// `toProposedEntry` (@sigstore/sign `witness/tlog/entry.ts`) are accepted, and the stored bodies we
// produce pass sigstore-js's own check of a bundle against its log entry (@sigstore/verify
// `tlog/index.ts` `verifyTLogBody`), for each kind it can send.
import type { TransparencyLogEntry } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { toProposedEntry } from '@sigstore/sign/dist/witness/tlog/entry';
import { DSSESignatureContent } from '@sigstore/verify/dist/bundle/dsse';
import { MessageSignatureContent } from '@sigstore/verify/dist/bundle/message';
import { verifyTLogBody } from '@sigstore/verify/dist/tlog';
import { preAuthEncoding } from '@app/signing';
import type { CanonicalEntry } from './canonical-entry';
import { canonicalizeProposedEntry } from './proposed-entry';
import { certificateSigner, sha256, signWith, type CertificateSigner } from './testing';

const artifact = Buffer.from('an artifact signed with sigstore-js');
const payloadType = 'application/vnd.in-toto+json';
const statement = Buffer.from(
  JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'artifact', digest: { sha256: sha256(artifact).toString('hex') } }],
    predicateType: 'https://example.com/predicate/v1',
    predicate: {},
  }),
);

// What the verifier gets from a bundle: the log entry's kind/version and the stored body.
function logEntry(entry: CanonicalEntry): TransparencyLogEntry {
  return {
    kindVersion: { kind: entry.kind, version: entry.apiVersion },
    canonicalizedBody: entry.body,
  } as TransparencyLogEntry;
}

// The proposal crosses HTTP as JSON, so it is serialised and parsed as the server would see it.
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('sigstore-js interoperability', () => {
  let signer: CertificateSigner;

  beforeAll(async () => {
    signer = await certificateSigner();
  });

  it('accepts a sigstore-js hashedrekord proposal and stores a body its verifier accepts', () => {
    const messageSignature = {
      messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(artifact) },
      signature: signWith(signer, artifact),
    };
    const proposed = toProposedEntry({ $case: 'messageSignature', messageSignature }, signer.pem);
    const entry = canonicalizeProposedEntry(overTheWire(proposed));
    expect(entry.indexKeys).toContain(`sha256:${sha256(artifact).toString('hex')}`);
    const content = new MessageSignatureContent(messageSignature, artifact);
    expect(() => verifyTLogBody(logEntry(entry), content)).not.toThrow();
  });

  it.each(['dsse', 'intoto'] as const)(
    'accepts a sigstore-js %s proposal and stores a body its verifier accepts',
    (entryType) => {
      const dsseEnvelope = {
        payload: statement,
        payloadType,
        signatures: [{ sig: signWith(signer, preAuthEncoding(payloadType, statement)), keyid: '' }],
      };
      const proposed = toProposedEntry(
        { $case: 'dsseEnvelope', dsseEnvelope },
        signer.pem,
        entryType,
      );
      const entry = canonicalizeProposedEntry(overTheWire(proposed));
      expect(entry.kind).toBe(entryType);
      expect(entry.indexKeys).toContain(`sha256:${sha256(artifact).toString('hex')}`);
      const content = new DSSESignatureContent(dsseEnvelope);
      expect(() => verifyTLogBody(logEntry(entry), content)).not.toThrow();
    },
  );

  it('stores a body the sigstore-js verifier rejects for another bundle signature', () => {
    const messageSignature = {
      messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(artifact) },
      signature: signWith(signer, artifact),
    };
    const proposed = toProposedEntry({ $case: 'messageSignature', messageSignature }, signer.pem);
    const entry = canonicalizeProposedEntry(overTheWire(proposed));
    const other = { ...messageSignature, signature: signWith(signer, artifact) };
    expect(() =>
      verifyTLogBody(logEntry(entry), new MessageSignatureContent(other, artifact)),
    ).toThrow('signature mismatch');
  });
});
