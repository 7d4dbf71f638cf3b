/* What `signet sign` and `signet attest` share: the identity token, sigstore-js's Fulcio signer
   and Rekor witness pointed at the instance, and writing the v0.3 bundle. */
import { createHash } from 'node:crypto';
import {
  bundleToJSON,
  toMessageSignatureBundle,
  type Bundle,
  type BundleWithMessageSignature,
} from '@sigstore/bundle';
import {
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  type Artifact,
  type Signature,
} from '@sigstore/sign';
import { certificatesFromPem } from '@app/signing';
import {
  certificateIdentity,
  type CertificateIdentity,
  leafCertificate,
  type TlogEntrySummary,
  tlogEntrySummaries,
} from '../cli/certificate';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import { writeOutput } from '../cli/files';
import {
  instanceOptions,
  type Instance,
  type InstanceValues,
  isSecureUrl,
  resolveInstance,
} from '../cli/options';
import { findIdentityToken, peekClaims, type TokenOptions } from '../identity/token';

/** Options of the commands that sign. */
export const signingOptions = {
  ...instanceOptions,
  bundle: { type: 'string' },
  'identity-token': { type: 'string' },
  'identity-token-file': { type: 'string' },
  'oidc-audience': { type: 'string' },
} as const;

// sigstore-js retries 5xx, 408, 429 and network failures itself; a few tries ride out a restart.
const RETRY = { retries: 2, minTimeout: 500, factor: 2 };
const TIMEOUT_MS = 30_000;

/** The CA signer and the log witness of one signing run. */
export interface SigningServices {
  instance: Instance;
  signer: FulcioSigner;
  witness(entryType?: 'dsse'): RekorWitness;
}

/** Finds the token (reporting where from) and sets up sigstore-js against the instance. */
export async function signingServices(
  values: TokenOptions & InstanceValues,
  ctx: CliContext,
): Promise<SigningServices> {
  const instance = resolveInstance(values, ctx.env);
  // --insecure-http may do for reading public data, never for a bearer token: an observer could
  // use it, until it expires, to get a certificate for this identity with a key of their own.
  if (!isSecureUrl(instance.caUrl)) {
    throw usageError(
      `will not send the identity token over plain http to ${new URL(instance.caUrl).host} (--ca-url); use https`,
    );
  }
  const { token, source } = await findIdentityToken(values, ctx);
  const claims = peekClaims(token);
  if (Object.keys(claims).length === 0) {
    // sigstore-js would echo the whole token in its error; say what is wrong without it.
    throw new CliError(ExitCode.error, `the identity token from ${source} is not a JWT`);
  }
  const who = [claims.email ?? claims.sub, claims.iss].filter((c) => typeof c === 'string');
  ctx.status(`identity token from ${source} (${who.join(', issued by ')})`);
  return {
    instance,
    signer: new FulcioSigner({
      fulcioBaseURL: instance.caUrl,
      identityProvider: { getToken: () => Promise.resolve(token) },
      retry: RETRY,
      timeout: TIMEOUT_MS,
    }),
    witness: (entryType) =>
      new RekorWitness({
        rekorBaseURL: instance.logUrl,
        entryType,
        fetchOnConflict: true,
        retry: RETRY,
        timeout: TIMEOUT_MS,
      }),
  };
}

/**
 * sigstore-js's blob bundle builder, emitting a v0.3 bundle (the leaf certificate alone in
 * `verificationMaterial.certificate`) instead of its default v0.2 (`x509CertificateChain`).
 */
export class MessageSignatureV03BundleBuilder extends MessageSignatureBundleBuilder {
  protected override package(
    artifact: Artifact,
    signature: Signature,
  ): Promise<BundleWithMessageSignature> {
    if (signature.key.$case !== 'x509Certificate') {
      return Promise.reject(new Error('the signer returned no certificate'));
    }
    const [leaf] = certificatesFromPem(signature.key.certificate);
    if (leaf === undefined) return Promise.reject(new Error('the CA returned no certificate'));
    return Promise.resolve(
      toMessageSignatureBundle({
        digest: createHash('sha256').update(artifact.data).digest(),
        signature: signature.signature,
        certificate: Buffer.from(leaf),
        certificateChain: false,
      }),
    );
  }
}

/** What a signing command reports about the bundle it wrote. */
export interface SignedSummary {
  bundle: string;
  mediaType: string;
  identity: CertificateIdentity;
  tlogEntries: TlogEntrySummary[];
}

/** Writes `bundle` as v0.3 JSON to `path` and reports the certificate and the log entry. */
export async function writeBundle(
  bundle: Bundle,
  path: string,
  ctx: CliContext,
): Promise<SignedSummary> {
  const json = bundleToJSON(bundle);
  await writeOutput(path, `${JSON.stringify(json)}\n`);
  const der = leafCertificate(bundle);
  const identity = der === undefined ? { extensions: {} } : certificateIdentity(der);
  const tlogEntries = tlogEntrySummaries(bundle);
  ctx.status(
    `certificate issued to ${identity.subjectAlternativeName ?? '?'} (issuer ${identity.issuer ?? '?'})`,
  );
  for (const entry of tlogEntries) {
    ctx.status(`logged at index ${entry.logIndex} (${entry.integratedTime})`);
  }
  ctx.status(`wrote ${path}`);
  return { bundle: path, mediaType: json.mediaType, identity, tlogEntries };
}
