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
  TSAWitness,
  type Artifact,
  type Signature,
  type Signer,
  type Witness,
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
import { RekorV2DsseWitness } from './rekor-v2-dsse-witness';
import {
  checkServiceUrl,
  fetchSigningConfig,
  readSigningConfig,
  selectServices,
  type Service,
} from './service-selection';

/** Options of the commands that sign. */
export const signingOptions = {
  ...instanceOptions,
  bundle: { type: 'string' },
  'signing-config': { type: 'string' },
  'identity-token': { type: 'string' },
  'identity-token-file': { type: 'string' },
  'oidc-audience': { type: 'string' },
} as const;

// sigstore-js retries 5xx, 408, 429 and network failures itself; a few tries ride out a restart.
const RETRY = { retries: 2, minTimeout: 500, factor: 2 };
const TIMEOUT_MS = 30_000;

/** The CA signer and the witnesses (log, TSA) of one signing run. */
export interface SigningServices {
  instance: Instance;
  signer: FulcioSigner;
  /** The log (v1 or v2, as chosen) and the TSA when there is one. */
  witnesses(content: 'messageSignature' | 'dsse'): Witness[];
  /**
   * A Rekor v1 log alone (the chosen log when it is v1, else the signing config's v1 log, else
   * the instance's): for formats that need its signed entry timestamp (cosign's `.sig`/`.att`).
   */
  rekorV1Witness(content: 'messageSignature' | 'dsse'): Witness;
  /** What was chosen, for the status line and --json. */
  chosen: { caUrl: string; log: Service; tsaUrl: string | undefined; v1LogUrl: string };
}

/** What a caller may set beyond the flags. */
export interface SigningServiceOptions {
  /**
   * The key the CA certifies and that signs (default: a fresh ephemeral P-256 key per
   * certificate): shared with the caller to sign more than once under one certificate.
   */
  keyHolder?: Signer;
}

/** Finds the token (reporting where from) and sets up sigstore-js against the instance. */
export async function signingServices(
  values: TokenOptions & InstanceValues & { 'signing-config'?: string; 'log-url'?: string },
  ctx: CliContext,
  options: SigningServiceOptions = {},
): Promise<SigningServices> {
  const instance = resolveInstance(values, ctx.env);
  const insecure = values['insecure-http'] === true;
  // Services from the signing config (--signing-config, else the one the CA serves), chosen as
  // sigstore-go does; an explicit --ca-url/--log-url still wins for its service.
  const file = values['signing-config'];
  const fileConfig = file === undefined ? undefined : await readSigningConfig(file);
  const fromFile = fileConfig === undefined ? undefined : selectServices(fileConfig);
  const caUrl =
    values['ca-url'] !== undefined || fromFile?.ca === undefined ? instance.caUrl : fromFile.ca.url;
  // --insecure-http may do for reading public data, never for a bearer token: an observer could
  // use it, until it expires, to get a certificate for this identity with a key of their own.
  if (!isSecureUrl(caUrl)) {
    throw usageError(
      `will not send the identity token over plain http to ${new URL(caUrl).host} (--ca-url); use https`,
    );
  }
  const served = fromFile === undefined ? await fetchSigningConfig(caUrl) : undefined;
  const selected = fromFile ?? (served === undefined ? undefined : selectServices(served));
  const log: Service =
    values['log-url'] !== undefined || selected?.tlog === undefined
      ? { url: instance.logUrl, majorApiVersion: 1 }
      : selected.tlog;
  const config = fileConfig ?? served;
  const v1Log: Service =
    log.majorApiVersion === 1
      ? log
      : ((config === undefined ? undefined : selectServices(config, new Date(), [1]).tlog) ?? {
          url: instance.logUrl,
          majorApiVersion: 1,
        });
  const tsa = selected?.tsa;
  checkServiceUrl(log, 'the log', insecure);
  checkServiceUrl(v1Log, 'the log', insecure);
  checkServiceUrl(tsa, 'the timestamp authority', insecure);
  ctx.status(
    `log ${log.url} (Rekor v${log.majorApiVersion})${tsa === undefined ? '' : `, timestamps from ${tsa.url}`}`,
  );
  const { token, source } = await findIdentityToken(values, ctx);
  const claims = peekClaims(token);
  if (Object.keys(claims).length === 0) {
    // sigstore-js would echo the whole token in its error; say what is wrong without it.
    throw new CliError(ExitCode.error, `the identity token from ${source} is not a JWT`);
  }
  const who = [claims.email ?? claims.sub, claims.iss].filter((c) => typeof c === 'string');
  ctx.status(`identity token from ${source} (${who.join(', issued by ')})`);
  const timestamps: Witness[] =
    tsa === undefined
      ? []
      : [new TSAWitness({ tsaBaseURL: tsa.url, retry: RETRY, timeout: TIMEOUT_MS })];
  const rekorWitness = (service: Service, content: 'messageSignature' | 'dsse') =>
    new RekorWitness({
      rekorBaseURL: service.url,
      majorApiVersion: service.majorApiVersion,
      entryType: content === 'dsse' ? 'dsse' : undefined,
      fetchOnConflict: true,
      retry: RETRY,
      timeout: TIMEOUT_MS,
    });
  return {
    instance,
    signer: new FulcioSigner({
      fulcioBaseURL: caUrl,
      identityProvider: { getToken: () => Promise.resolve(token) },
      retry: RETRY,
      timeout: TIMEOUT_MS,
      ...(options.keyHolder !== undefined && { keyHolder: options.keyHolder }),
    }),
    witnesses: (content) => {
      const logWitness: Witness =
        log.majorApiVersion === 2 && content === 'dsse'
          ? new RekorV2DsseWitness(log.url)
          : rekorWitness(log, content);
      return [logWitness, ...timestamps];
    },
    rekorV1Witness: (content) => rekorWitness(v1Log, content),
    chosen: { caUrl, log, tsaUrl: tsa?.url, v1LogUrl: v1Log.url },
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
