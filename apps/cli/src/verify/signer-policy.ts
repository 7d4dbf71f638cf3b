/* Who must have signed: a certificate identity (the --certificate-* flags), or the holder of a
   managed key (--key KEY.pem) for bundles whose verification material is a public key. */
import type { KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { fingerprintOf, parsePublicKey } from '@app/signing';
import { CliError, ExitCode, usageError, verificationFailed } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { identityOptions, type IdentityPolicy, identityPolicyFrom } from './identity-policy';

/** The options that make a {@link SignerPolicy}. */
export const signerOptions = { ...identityOptions, key: { type: 'string' } } as const;

type SignerValues = Partial<Record<keyof typeof signerOptions, string>>;

/** A certificate identity, or a managed public key with its path and SPKI fingerprint. */
export type SignerPolicy =
  | { kind: 'identity'; policy: IdentityPolicy }
  | { kind: 'key'; path: string; key: KeyObject; fingerprint: string };

/**
 * `--key KEY.pem` (a PEM "PUBLIC KEY" block), else the identity flags. Throws a usage error (64)
 * for --key with any --certificate-* flag or for missing identity flags, exit 2 for a key file
 * that cannot be read or is not a supported public key.
 */
export async function signerPolicyFrom(values: SignerValues): Promise<SignerPolicy> {
  const path = values.key;
  if (path === undefined) return { kind: 'identity', policy: identityPolicyFrom(values) };
  const flag = Object.keys(identityOptions).find(
    (f) => values[f as keyof typeof identityOptions] !== undefined,
  );
  if (flag !== undefined) {
    throw usageError(
      `give --key or --${flag}, not both: --key verifies a bundle signed with a managed key, the --certificate-* flags one signed with a certificate`,
    );
  }
  const pem = (await readInput(path, 'key')).toString('utf8');
  try {
    const key = parsePublicKey(pem);
    return { kind: 'key', path, key, fingerprint: fingerprintOf(key) };
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `--key ${path} is not a usable public key: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Checks that the bundle's verification material suits `signer`: a public-key hint for --key, a
 * certificate for an identity. Throws a failed verification (exit 1, `PUBLIC_KEY_ERROR`) saying
 * which flag the bundle needs.
 */
export function checkVerificationMaterial(bundle: Bundle, signer: SignerPolicy): void {
  const material = bundle.verificationMaterial.content;
  if (signer.kind === 'key' && material.$case !== 'publicKey') {
    throw verificationFailed(
      '--key: the bundle is signed with a certificate, not a managed key: verify it with --certificate-identity and --certificate-oidc-issuer',
      'PUBLIC_KEY_ERROR',
    );
  }
  if (signer.kind === 'identity' && material.$case === 'publicKey') {
    throw verificationFailed(
      `the bundle is signed with a managed key (hint ${JSON.stringify(material.publicKey.hint)}), not a certificate: verify it with --key KEY.pem`,
      'PUBLIC_KEY_ERROR',
    );
  }
}

/**
 * The trust material to verify with: the trusted root's, and for --key a key finder that returns
 * the given key for any hint, valid at any time (the caller vouches for it, as sigstore-js's
 * and cosign's --key do). Without --key no managed key is trusted.
 */
export function trustMaterialFor(root: TrustedRoot, signer: SignerPolicy): TrustMaterial {
  if (signer.kind === 'identity') return toTrustMaterial(root);
  return toTrustMaterial(root, () => ({ publicKey: signer.key, validFor: () => true }));
}
