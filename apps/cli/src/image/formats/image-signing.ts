/* Signing what the formats carry, through sigstore-js exactly as `signet sign`/`attest` do: the
   CA's certificate (FulcioSigner) and the log's entry (RekorWitness) come from the caller. */
import type { Bundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, type Signer, type Witness } from '@sigstore/sign';
import { IN_TOTO_PAYLOAD_TYPE } from '@app/signing';
import { MessageSignatureV03BundleBuilder } from '../../sign/signing';

/** Who signs and who witnesses: `SigningServices.signer` and its witnesses, or test doubles. */
export interface ImageSigning {
  signer: Signer;
  /** For the legacy format: a Rekor v1 witness (hashedrekord or dsse entry, with a SET). */
  witnesses: Witness[];
}

/**
 * Signs an in-toto `statement` as a DSSE envelope (payload type `application/vnd.in-toto+json`):
 * a bundle v0.3 whose log entry is a `dsse` entry. Used by both formats (the legacy `.att` layer
 * needs a Rekor v1 witness).
 */
export function signStatement(
  statement: Record<string, unknown>,
  { signer, witnesses }: ImageSigning,
): Promise<Bundle> {
  return new DSSEBundleBuilder({ signer, witnesses }).create({
    data: Buffer.from(JSON.stringify(statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
}

/**
 * Signs `payload` (a simple-signing payload) as a message signature: a bundle v0.3 whose log
 * entry is a hashedrekord over sha256(payload). For `legacySignatureLayer`.
 */
export function signPayload(payload: Buffer, { signer, witnesses }: ImageSigning): Promise<Bundle> {
  return new MessageSignatureV03BundleBuilder({ signer, witnesses }).create({ data: payload });
}
