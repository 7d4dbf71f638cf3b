import fc from 'fast-check';
import { fuzz, hostileString, keepsContract, mutatedJson, mutatedText } from '@app/testing/fuzz';
import { bundleLayerOf } from '../formats/bundle-verification';
import { legacyManifestLayers } from '../formats/legacy-manifest';
import { OCI_INDEX, OCI_MANIFEST, SIGSTORE_BUNDLE_V03, SIMPLE_SIGNING } from '../formats/oci';
import { parseSimpleSigningPayload, simpleSigningPayload } from '../formats/simple-signing';
import { SignatureRejected } from '../formats/verified-signature';
import { CliError } from '../../cli/exit-codes';
import { parseImageReference, formatImageReference } from './reference';
import { indexDescriptors } from './referrers-index';
import { parseWwwAuthenticate } from './www-authenticate';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const descriptor = (mediaType: string, n: number) => ({
  mediaType,
  digest: `sha256:${n.toString(16).padStart(64, '0')}`,
  size: 100 + n,
  annotations: { 'dev.sigstore.cosign/signature': 'MEUCIQ==' },
});

/**
 * A registry is not trusted: `signet image verify|tree` reads manifests, indexes, referrers,
 * payloads and auth challenges it serves. Each mutated document is read or refused with an
 * Error that says what is wrong (the CLI's plain Error, `SignatureRejected`, or the index's
 * RangeError for too many manifests), never a TypeError, within the budget.
 */
describe('OCI manifests, indexes and registry answers on hostile input', () => {
  const refused = (err: unknown) =>
    err instanceof SignatureRejected ||
    err instanceof CliError ||
    (err instanceof Error && (err.constructor === Error || err.constructor === RangeError));
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_V03,
    config: descriptor('application/vnd.oci.empty.v1+json', 1),
    layers: [descriptor(SIGSTORE_BUNDLE_V03, 2)],
    subject: descriptor(OCI_MANIFEST, 3),
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  };
  const legacy = {
    ...manifest,
    layers: [descriptor(SIMPLE_SIGNING, 4), descriptor(SIMPLE_SIGNING, 5)],
  };
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      descriptor(OCI_MANIFEST, 6),
      {
        ...descriptor(OCI_MANIFEST, 7),
        artifactType: SIGSTORE_BUNDLE_V03,
        platform: { os: 'linux', architecture: 'amd64' },
      },
    ],
  };
  const bytes = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

  it('reads the valid documents', () => {
    expect(bundleLayerOf(bytes(manifest), manifest.subject.digest)).toEqual(manifest.layers[0]);
    expect(legacyManifestLayers(bytes(legacy))).toEqual(legacy.layers);
    expect(indexDescriptors(index, 10)).toHaveLength(2);
    const payload = simpleSigningPayload('registry.example/app', DIGEST);
    expect(parseSimpleSigningPayload(payload)).toMatchObject({
      manifestDigest: DIGEST,
      dockerReference: 'registry.example/app',
    });
    const ref = parseImageReference(`registry.example:5000/team/app:v1@${DIGEST}`);
    expect(parseImageReference(formatImageReference(ref))).toEqual(ref);
  });

  it('refuses a referrer whose subject digest is an object (seed -596620654)', () => {
    // Found by `npm run fuzz` (FUZZ_SEED=-596620654, run 10,008): a subject digest of
    // {"toString":null} made String() throw a TypeError while the refusal was being worded.
    const doc = { ...manifest, subject: { ...manifest.subject, digest: { toString: null } } };
    expect(() => bundleLayerOf(bytes(doc), manifest.subject.digest)).toThrow(
      new SignatureRejected(
        'REFERRER_ERROR',
        `the referrer's subject is {"toString":null}, not the image ${manifest.subject.digest}`,
      ),
    );
  });

  it('answers every mutated manifest with its layers or a plain refusal', () => {
    fuzz(
      fc.property(mutatedJson(manifest, legacy), (doc) =>
        keepsContract(() => {
          bundleLayerOf(bytes(doc), manifest.subject.digest);
          legacyManifestLayers(bytes(doc));
        }, refused),
      ),
    );
  });

  it('answers every mutated index and simple-signing payload likewise', () => {
    const payload = JSON.parse(
      simpleSigningPayload('registry.example/app', DIGEST).toString(),
    ) as unknown;
    fuzz(
      fc.property(mutatedJson(index), mutatedJson(payload), (doc, signed) =>
        keepsContract(() => {
          if (typeof doc === 'object' && doc !== null)
            indexDescriptors(doc as Record<string, unknown>, 10);
          parseSimpleSigningPayload(bytes(signed));
        }, refused),
      ),
    );
  });

  it('answers every mutated auth challenge and image reference likewise', () => {
    fuzz(
      fc.property(
        mutatedText(
          'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"',
          'Basic realm="x"',
        ),
        fc.oneof(
          mutatedText(`registry.example:5000/team/app:v1@${DIGEST}`, 'app', 'localhost/app:latest'),
          hostileString,
        ),
        (challenge, reference) =>
          keepsContract(() => {
            parseWwwAuthenticate(challenge);
            parseImageReference(reference);
          }, refused),
      ),
    );
  });
});
