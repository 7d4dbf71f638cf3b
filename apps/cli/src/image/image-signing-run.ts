/* One `signet image sign|attest` run: the formats asked for, one certificate for every payload
   signed (certificate-reuse.ts), the witnesses each format needs — the chosen log (v1 or v2,
   with the TSA) for bundles, a Rekor v1 log alone for the legacy layers, whose annotation is its
   signed entry timestamp — and the chain annotation of the CA that issued the leaf. */
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { certificateIdentity, leafCertificate, type CertificateIdentity } from '../cli/certificate';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import type { TokenOptions } from '../identity/token';
import type { InstanceValues } from '../cli/options';
import { signingOptions, signingServices, type SigningServices } from '../sign/signing';
import { loadTrustedRoot } from '../trust/trusted-root';
import { EphemeralKey, ReusedCertificateSigner } from './certificate-reuse';
import type { ImageSigning } from './formats/image-signing';
import { legacyLogKeyProblem } from './formats/legacy-log-key';

/** `--format`: which layouts to write. */
export interface Formats {
  bundle: boolean;
  legacy: boolean;
}

/** Flags of the image signing commands, beyond the registry's. */
export const imageSigningOptions = {
  ...signingOptions,
  format: { type: 'string' },
  'trusted-root': { type: 'string' },
} as const;

/** `--format bundle|legacy|both` (default both). */
export function parseFormats(text: string | undefined): Formats {
  switch (text ?? 'both') {
    case 'both':
      return { bundle: true, legacy: true };
    case 'bundle':
      return { bundle: true, legacy: false };
    case 'legacy':
      return { bundle: false, legacy: true };
    default:
      throw usageError(`--format must be bundle, legacy or both, got ${JSON.stringify(text)}`);
  }
}

/** What a run signs with. */
export interface SigningRun {
  services: SigningServices;
  /** For bundle referrers: the chosen log and the TSA. */
  bundle: ImageSigning;
  /** For `.sig`/`.att` layers: the Rekor v1 log alone. */
  legacy(content: 'messageSignature' | 'dsse'): ImageSigning;
  /** Whether one DSSE bundle can serve both formats (the chosen log is a v1 log). */
  oneDsseForBoth: boolean;
  /** Intermediates and root (DER) of the trusted root's CA that issued `bundle`'s leaf. */
  chain(bundle: Bundle): Uint8Array[];
  /** Who the certificate names, once the first signature was made. */
  identity(bundle: Bundle): CertificateIdentity;
}

/**
 * Sets up the run: the identity token and services (as `signet sign`), and for the legacy
 * format the instance's trusted root, refusing (exit 2) a log whose key containers/image cannot
 * check before anything is signed.
 */
export async function startSigningRun(
  values: TokenOptions &
    InstanceValues & { 'signing-config'?: string; 'log-url'?: string; 'trusted-root'?: string },
  formats: Formats,
  ctx: CliContext,
): Promise<SigningRun> {
  const key = new EphemeralKey();
  const services = await signingServices(values, ctx, { keyHolder: key });
  let root: TrustedRoot | undefined;
  if (formats.legacy) {
    const { caUrl } = services.chosen;
    root = (await loadTrustedRoot(ctx, caUrl, values['trusted-root'], services.instance.tufRoot))
      .root;
    const problem = legacyLogKeyProblem(root, services.chosen.v1LogUrl);
    if (problem !== undefined) {
      throw new CliError(ExitCode.error, `--format legacy: ${problem}`, {
        code: 'LEGACY_LOG_KEY',
      });
    }
  }
  const signer = new ReusedCertificateSigner(services.signer, key);
  return {
    services,
    bundle: { signer, witnesses: services.witnesses('dsse') },
    legacy: (content) => ({ signer, witnesses: [services.rekorV1Witness(content)] }),
    oneDsseForBoth: services.chosen.log.majorApiVersion === 1,
    chain: (bundle) => issuingChain(root, bundle),
    identity: (bundle) => {
      const der = leafCertificate(bundle);
      return der === undefined ? { extensions: {} } : certificateIdentity(der);
    },
  };
}

/** The chain of the trusted root's CA whose first certificate signed the bundle's leaf. */
function issuingChain(root: TrustedRoot | undefined, bundle: Bundle): Uint8Array[] {
  const der = leafCertificate(bundle);
  if (root === undefined || der === undefined) throw new Error('no trusted root or leaf');
  const leaf = X509Certificate.parse(Buffer.from(der));
  for (const ca of root.certificateAuthorities) {
    const chain = ca.certChain?.certificates.map((c) => c.rawBytes) ?? [];
    const issuer = chain[0];
    if (issuer !== undefined && issued(leaf, issuer)) return chain;
  }
  throw new CliError(
    ExitCode.verificationFailed,
    "the certificate the CA issued chains to no CA of the instance's trusted root (was the trusted root replaced?)",
    { code: 'CERTIFICATE_ERROR' },
  );
}

function issued(leaf: X509Certificate, issuer: Uint8Array): boolean {
  try {
    return leaf.verify(X509Certificate.parse(Buffer.from(issuer)));
  } catch {
    return false; // another key type than the leaf's signature: not its issuer
  }
}
