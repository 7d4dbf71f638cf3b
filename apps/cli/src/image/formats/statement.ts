/* The in-toto statements cosign v3 signs for an image (images.md §1.3 "What cosign sign v3
   signs"; cosign `cmd/cosign/cli/sign/sign.go signDigestBundle`, v3.1.2). */
import { IN_TOTO_STATEMENT_V1 } from '../../sign/statement';
import { sha256Hex, sortedAnnotations } from './oci';

/** The predicate type of a cosign v3 image signature. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

/**
 * The statement `signet image sign` signs in the bundle format: one subject with the sha256 of
 * the manifest `digest` and no name, the `-a key=value` annotations on that subject (absent when
 * there are none), predicate type {@link COSIGN_SIGN_PREDICATE_TYPE} and an empty predicate.
 * Throws for a digest that is not sha256.
 */
export function imageSignatureStatement(
  digest: string,
  annotations: Record<string, string> = {},
): Record<string, unknown> {
  const subject: Record<string, unknown> = { digest: { sha256: sha256Hex(digest) } };
  if (Object.keys(annotations).length > 0) subject.annotations = sortedAnnotations(annotations);
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [subject],
    predicateType: COSIGN_SIGN_PREDICATE_TYPE,
    predicate: {},
  };
}

/**
 * The statement `signet image attest` signs (both formats): one subject named `name` (the image
 * repository, as cosign's `attestation.GenerateStatement` names it) with the sha256 of `digest`,
 * the user's predicate type and predicate.
 */
export function imageAttestationStatement(
  digest: string,
  name: string,
  predicateType: string,
  predicate: unknown,
): Record<string, unknown> {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name, digest: { sha256: sha256Hex(digest) } }],
    predicateType,
    predicate,
  };
}
