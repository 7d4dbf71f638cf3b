/* Verifying cosign v2 `.sig` and `.att` layers: each is turned into the bundle v0.1 it amounts to
   (message signature or DSSE envelope, the certificate annotation as the chain, one tlog entry
   whose inclusion promise is the SET annotation and whose body is the SET's) and verified with
   @sigstore/verify against the instance (images.md §7.2 "Verification"; what cosign does in
   `pkg/cosign/verify.go`). Then what sigstore-js does not check: the log entry's public key is
   the certificate annotation byte for byte (containers/image `signature/sigstore/...`), the chain
   annotation is the instance's, and the payload names this image. */
import { createHash } from 'node:crypto';
import { type Bundle, bundleFromJSON, BUNDLE_V01_MEDIA_TYPE } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { certificatesFromPem } from '@app/signing';
import { checkBundleStructure } from '../../verify/bundle-checks';
import { checkImageStatement, type ImageTrust } from './image-trust';
import { CosignAnnotation, loggedCertificatePem, type RekorBundle } from './legacy-layer';
import { DSSE_ENVELOPE, type OciDescriptor, SIMPLE_SIGNING } from './oci';
import { parseSimpleSigningPayload, sameRepository } from './simple-signing';
import { SignatureRejected, type VerifiedSignature } from './verified-signature';

/**
 * Verifies one `.sig` layer (`descriptor` as listed, `payload` its blob) at `source`: the
 * signature, certificate and SET with @sigstore/verify; then the hashedrekord entry's public key
 * equals the certificate annotation, `critical.type`, `docker-manifest-digest` = the image digest
 * (`DIGEST_MISMATCH`) and `docker-reference` = its repository (`REFERENCE_MISMATCH`). Throws
 * {@link SignatureRejected} or sigstore-js's errors.
 */
export function verifyLegacySignature(
  descriptor: OciDescriptor,
  payload: Buffer,
  trust: ImageTrust,
  source: string,
): VerifiedSignature {
  expectLayer(descriptor, payload, SIMPLE_SIGNING);
  const annotations = descriptor.annotations ?? {};
  const signature = annotation(annotations, CosignAnnotation.signature);
  const bundle = synthesizedBundle(annotations, trust, {
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: createHash('sha256').update(payload).digest('base64'),
      },
      signature,
    },
  });
  const signer = new Verifier(trust.trustMaterial).verify(toSignedEntity(bundle, payload));
  let claims;
  try {
    claims = parseSimpleSigningPayload(payload);
  } catch (err) {
    throw new SignatureRejected('PAYLOAD_ERROR', (err as Error).message, { cause: err });
  }
  if (claims.manifestDigest !== trust.digest) {
    throw new SignatureRejected(
      'DIGEST_MISMATCH',
      `the signature is for ${claims.manifestDigest}, not the image ${trust.digest}`,
    );
  }
  if (!sameRepository(claims.dockerReference, trust.repository)) {
    throw new SignatureRejected(
      'REFERENCE_MISMATCH',
      `the signature names the repository ${claims.dockerReference}, not ${trust.repository}`,
    );
  }
  return {
    format: 'legacy',
    kind: 'signature',
    source,
    signer,
    ...(claims.annotations !== null ? { annotations: claims.annotations } : {}),
  };
}

/**
 * Verifies one `.att` layer (its blob is the DSSE envelope) like {@link verifyLegacySignature},
 * then binds it to the image by the statement's subject and checks that the `predicateType`
 * annotation is the statement's (`PREDICATE_TYPE_MISMATCH`).
 */
export function verifyLegacyAttestation(
  descriptor: OciDescriptor,
  envelope: Buffer,
  trust: ImageTrust,
  source: string,
): VerifiedSignature {
  expectLayer(descriptor, envelope, DSSE_ENVELOPE);
  const annotations = descriptor.annotations ?? {};
  let dsseEnvelope: unknown;
  try {
    dsseEnvelope = JSON.parse(envelope.toString('utf8'));
  } catch (err) {
    throw new SignatureRejected('BUNDLE_ERROR', 'the layer is not a DSSE envelope', { cause: err });
  }
  const bundle = synthesizedBundle(annotations, trust, { dsseEnvelope });
  if (bundle.content.$case !== 'dsseEnvelope') throw new Error('unreachable');
  const signer = new Verifier(trust.trustMaterial).verify(toSignedEntity(bundle));
  const statement = checkImageStatement(bundle.content.dsseEnvelope, trust.digest);
  const claimed = annotations[CosignAnnotation.predicateType];
  if (claimed !== undefined && claimed !== statement.predicateType) {
    throw new SignatureRejected(
      'PREDICATE_TYPE_MISMATCH',
      `the layer is annotated ${JSON.stringify(claimed)} but the statement is ${JSON.stringify(statement.predicateType)}`,
    );
  }
  return {
    format: 'legacy',
    kind: 'attestation',
    predicateType: statement.predicateType,
    source,
    signer,
  };
}

function expectLayer(descriptor: OciDescriptor, blob: Buffer, mediaType: string): void {
  if (descriptor.mediaType !== mediaType) {
    throw new SignatureRejected(
      'LAYER_ERROR',
      `the layer is ${descriptor.mediaType}, not ${mediaType}`,
    );
  }
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  if (digest !== descriptor.digest) {
    throw new SignatureRejected(
      'LAYER_ERROR',
      `the layer blob is ${digest}, not ${descriptor.digest}`,
    );
  }
}

function annotation(annotations: Record<string, string>, key: string): string {
  const value = annotations[key];
  if (value === undefined)
    throw new SignatureRejected('ANNOTATION_ERROR', `the layer has no ${key} annotation`);
  return value;
}

/** The bundle v0.1 a layer amounts to, with `content` (JSON form); checks the annotations. */
function synthesizedBundle(
  annotations: Record<string, string>,
  trust: ImageTrust,
  content: Record<string, unknown>,
): Bundle {
  const certificatePem = annotation(annotations, CosignAnnotation.certificate);
  const leaf = certificatesOf(certificatePem, CosignAnnotation.certificate);
  if (leaf.length !== 1) {
    throw new SignatureRejected(
      'ANNOTATION_ERROR',
      `${CosignAnnotation.certificate} holds ${leaf.length} certificates, not one`,
    );
  }
  const chain = annotations[CosignAnnotation.chain];
  if (chain !== undefined && chain !== '') checkChain(chain, trust);
  const set = rekorBundle(annotation(annotations, CosignAnnotation.bundle));
  const body = Buffer.from(set.Payload.body, 'base64');
  const kindVersion = entryKind(body);
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON({
      mediaType: BUNDLE_V01_MEDIA_TYPE,
      verificationMaterial: {
        x509CertificateChain: {
          certificates: [{ rawBytes: Buffer.from(leaf[0]!).toString('base64') }],
        },
        tlogEntries: [
          {
            logIndex: String(set.Payload.logIndex),
            logId: { keyId: Buffer.from(set.Payload.logID, 'hex').toString('base64') },
            kindVersion,
            integratedTime: String(set.Payload.integratedTime),
            inclusionPromise: { signedEntryTimestamp: set.SignedEntryTimestamp },
            canonicalizedBody: set.Payload.body,
          },
        ],
      },
      ...content,
    });
  } catch (err) {
    throw new SignatureRejected(
      'BUNDLE_ERROR',
      `the layer's annotations do not make a bundle: ${(err as Error).message}`,
      { cause: err },
    );
  }
  checkBundleStructure(bundle);
  // containers/image requires the logged key to be the certificate annotation, byte for byte.
  const entry = bundle.verificationMaterial.tlogEntries[0]!;
  let logged: string;
  try {
    logged = loggedCertificatePem(entry);
  } catch (err) {
    throw new SignatureRejected('TLOG_BODY_ERROR', (err as Error).message, { cause: err });
  }
  if (logged !== certificatePem) {
    throw new SignatureRejected(
      'TLOG_BODY_ERROR',
      `the log entry's public key is not the ${CosignAnnotation.certificate} annotation`,
    );
  }
  return bundle;
}

function certificatesOf(pem: string, key: string): Uint8Array[] {
  try {
    return certificatesFromPem(pem);
  } catch (err) {
    throw new SignatureRejected('ANNOTATION_ERROR', `${key}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Every certificate of the chain annotation must be one of the instance's CA certificates. */
function checkChain(pem: string, trust: ImageTrust): void {
  const known = trust.trustMaterial.certificateAuthorities.flatMap((ca) => ca.certChain);
  for (const der of certificatesOf(pem, CosignAnnotation.chain)) {
    const certificate = X509Certificate.parse(Buffer.from(der));
    if (!known.some((k) => k.equals(certificate))) {
      throw new SignatureRejected(
        'CERTIFICATE_ERROR',
        `${CosignAnnotation.chain} holds a certificate that is not one of the instance's CA certificates`,
      );
    }
  }
}

/** Parses the SET annotation strictly (cosign `bundle.RekorBundle`). */
function rekorBundle(json: string): RekorBundle {
  const fail = (why: string): never => {
    throw new SignatureRejected('ANNOTATION_ERROR', `${CosignAnnotation.bundle}: ${why}`);
  };
  let value: Partial<RekorBundle> | null;
  try {
    value = JSON.parse(json) as Partial<RekorBundle> | null;
  } catch {
    return fail('not JSON');
  }
  const p = value?.Payload;
  if (typeof value?.SignedEntryTimestamp !== 'string') return fail('no SignedEntryTimestamp');
  if (
    typeof p?.body !== 'string' ||
    !Number.isSafeInteger(p.integratedTime) ||
    !Number.isSafeInteger(p.logIndex) ||
    typeof p.logID !== 'string' ||
    !/^[0-9a-f]{64}$/.test(p.logID)
  ) {
    return fail('Payload must have body, integratedTime, logIndex and a hex logID');
  }
  return value as RekorBundle;
}

function entryKind(body: Buffer): { kind: string; version: string } {
  try {
    const { kind, apiVersion } = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof kind === 'string' && typeof apiVersion === 'string')
      return { kind, version: apiVersion };
  } catch {
    // reported below
  }
  throw new SignatureRejected('TLOG_BODY_ERROR', 'the SET payload body is not a Rekor entry');
}
