/* Deciding `signet image verify` over every stored signature checked: the kind asked for
   (signatures, or attestations of one predicate type), an identity the caller accepts, and the
   format `--require` asks for. */
import type { Signer } from '@sigstore/verify';
import type { RejectedSignature, SignatureCheck, VerifiedSignature } from './verified-signature';

/** `--require`: at least one accepted signature stored in this format (`any`: either). */
export type FormatRequirement = 'bundle' | 'legacy' | 'any';

/** What the caller asks of the image's signatures. */
export interface SignatureRequest {
  require: FormatRequirement;
  /** Undefined: image signatures; else attestations with this predicate type. */
  predicateType?: string;
  /** Why a verified signer is not accepted (e.g. `identityMismatch` of the flags), or undefined. */
  identity: (signer: Signer) => string | undefined;
}

/** The outcome for one image. */
export interface ImageVerdict {
  verified: boolean;
  /** The signatures that satisfy the request. */
  accepted: VerifiedSignature[];
  /** Every other signature of the kind asked for, with why it was not accepted. */
  rejected: RejectedSignature[];
  /** When not verified: which requirement failed, in one line. */
  reason?: string;
}

/**
 * Accepts each verified signature of the kind asked for whose signer passes `identity`; the
 * image is verified when one accepted signature is in the required format. Signatures of
 * another kind (an attestation when signatures are asked for, another predicate type) are left
 * out, not rejected.
 */
export function decideImage(checks: SignatureCheck[], request: SignatureRequest): ImageVerdict {
  const accepted: VerifiedSignature[] = [];
  const rejected: RejectedSignature[] = [];
  for (const check of checks) {
    if (!check.verified) {
      rejected.push(check);
      continue;
    }
    const { verified: _, ...signature } = check;
    if (!isRequested(signature, request)) continue;
    const mismatch = request.identity(signature.signer);
    if (mismatch === undefined) accepted.push(signature);
    else {
      rejected.push({
        format: signature.format,
        source: signature.source,
        code: 'IDENTITY_MISMATCH',
        message: mismatch,
      });
    }
  }
  const inFormat = accepted.filter(
    (s) => request.require === 'any' || s.format === request.require,
  );
  if (inFormat.length > 0) return { verified: true, accepted: inFormat, rejected };
  return { verified: false, accepted, rejected, reason: reasonFor(accepted, rejected, request) };
}

function isRequested(signature: VerifiedSignature, request: SignatureRequest): boolean {
  return request.predicateType === undefined
    ? signature.kind === 'signature'
    : signature.kind === 'attestation' && signature.predicateType === request.predicateType;
}

function reasonFor(
  accepted: VerifiedSignature[],
  rejected: RejectedSignature[],
  request: SignatureRequest,
): string {
  const what =
    request.predicateType === undefined ? 'signature' : `${request.predicateType} attestation`;
  if (accepted.length > 0) {
    return `the ${what} verified only in the ${accepted[0]!.format} format; --require ${request.require} needs one in the ${request.require} format`;
  }
  const first = rejected[0];
  if (first === undefined) return `no ${what} found`;
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more rejected)` : '';
  return `no ${what} verified: ${first.source}: ${first.message} (${first.code})${more}`;
}
