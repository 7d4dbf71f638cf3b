/* What the verification of one stored signature yields, whichever format it came from, so that
   `--require bundle|legacy|any`, the identity flags and `--policy` decide over the same list. */
import type { Signer } from '@sigstore/verify';
import { PolicyError, VerificationError } from '@sigstore/verify';
import { CliError } from '../../cli/exit-codes';

/** Where a signature was stored: a bundle referrer (cosign v3) or a `.sig`/`.att` layer (v2). */
export type SignatureFormat = 'bundle' | 'legacy';

/** A signature (cosign `sign/v1` statement or simple signing) or an attestation. */
export type SignatureKind = 'signature' | 'attestation';

/** One stored signature that verified cryptographically and is bound to the image digest. */
export interface VerifiedSignature {
  format: SignatureFormat;
  kind: SignatureKind;
  /** The in-toto predicate type (DSSE), undefined for a simple-signing signature. */
  predicateType?: string;
  /** Where it was read: `referrer sha256:…` or `sha256-….sig layer 0`. */
  source: string;
  /** The certificate identity @sigstore/verify returned (SAN, issuer, OIDs). */
  signer: Signer;
  /** Annotations signed with it: simple-signing `optional`, or the statement subject's. */
  annotations?: Record<string, unknown>;
}

/** One stored signature that did not verify, and why. */
export interface RejectedSignature {
  format: SignatureFormat;
  source: string;
  /** The failed check, e.g. sigstore-js's `SIGNATURE_ERROR` or `SUBJECT_DIGEST_MISMATCH`. */
  code: string;
  message: string;
}

/** The outcome of checking one stored signature. */
export type SignatureCheck =
  ({ verified: true } & VerifiedSignature) | ({ verified: false } & RejectedSignature);

/** A failed check of a stored signature (exit 1 when it decides the command). */
export class SignatureRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SignatureRejected';
  }
}

/**
 * Runs `verify` for the signature at `source` and turns what it throws — a
 * {@link SignatureRejected}, a sigstore-js VerificationError/PolicyError, or a CliError with a
 * code — into a rejection; other errors propagate.
 */
export function checkSignature(
  format: SignatureFormat,
  source: string,
  verify: () => VerifiedSignature,
): SignatureCheck {
  try {
    return { verified: true, ...verify() };
  } catch (err) {
    if (err instanceof SignatureRejected) {
      return { verified: false, format, source, code: err.code, message: err.message };
    }
    if (err instanceof VerificationError || err instanceof PolicyError) {
      return { verified: false, format, source, code: err.code, message: err.message };
    }
    if (err instanceof CliError && err.code !== undefined) {
      return { verified: false, format, source, code: err.code, message: err.message };
    }
    throw err;
  }
}
