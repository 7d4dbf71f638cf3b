import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import type { PublishedLogTree } from '@app/schema';
import { type ParsedCertificate, publicKeyDetails, signatureAlgorithmOf } from '@app/signing';
import { PolicyService } from '../policy';
import { CaChainService } from '../authority/ca-chain.service';
import { TimestampService } from '../timestamp/timestamp.service';
import { LogTrees } from './log-trees';

/** Sigstore's media types (protobuf-specs `TrustedRoot` 0.1, `SigningConfig` 0.2). */
export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';
export const SIGNING_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';

interface ValidFor {
  start: string;
  end?: string;
}

/**
 * Builds the instance's Sigstore `TrustedRoot` (every CA chain, artifact-log tree and CT-log
 * tree, retired ones included) and `SigningConfig`, in the lowerCamelCase JSON sigstore-js reads.
 */
@Injectable()
export class TrustedRootService {
  constructor(
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
    private readonly logTrees: LogTrees,
    private readonly ca: CaChainService,
    private readonly policy: PolicyService,
    private readonly timestamps: TimestampService,
  ) {}

  /** The TSA's URL: clients use a SigningConfig URL as it is. */
  private get tsaUrl(): string {
    return `${this.config.caPublicUrl}/api/v1/timestamp`;
  }

  async trustedRoot(): Promise<object> {
    const trees = await this.trees();
    const log = (row: PublishedLogTree, baseUrl: string) => ({
      baseUrl,
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: row.publicKey.toString('base64'),
        keyDetails: keyDetails(
          createPublicKey({ key: row.publicKey, format: 'der', type: 'spki' }),
        ),
        validFor: window(row.createdAt, row.frozenAt),
      },
      logId: { keyId: row.logId.toString('base64') },
    });
    return {
      mediaType: TRUSTED_ROOT_MEDIA_TYPE,
      tlogs: [
        ...trees
          .filter((t) => t.purpose === 'artifact')
          .map((t) => log(t, this.config.logPublicUrl)),
        // Each v2 shard at its own hostname (its checkpoint origin), as sigstore-go requires.
        ...trees.filter((t) => t.purpose === 'rekor-v2').map((t) => log(t, this.v2Url(t.origin))),
      ],
      certificateAuthorities: this.ca.chains.map((chain, i) => this.authority(chain, i > 0)),
      ctlogs: trees
        .filter((t) => t.purpose === 'ct')
        .map((t) => log(t, `${this.config.logPublicUrl}/ct`)),
      // Leaf first, as clients match a token's signer to certChain[0].
      timestampAuthorities: [this.authority(this.timestamps.chain, false, this.tsaUrl)],
    };
  }

  /**
   * The `SigningConfig` v0.2 clients pick their services from. Every list is ordered newest
   * `validFor.start` first: sigstore-js takes the first service of the highest start it supports,
   * sigstore-go the highest API version; with one entry per API version both pick the same. The
   * instance's TSA is listed with selector ANY (sigstore-js refuses EXACT and ALL).
   */
  async signingConfig(): Promise<object> {
    const operator = new URL(this.config.caPublicUrl).hostname;
    const service = (url: string, validFor: ValidFor, majorApiVersion = 1) => ({
      url,
      majorApiVersion,
      validFor,
      operator,
    });
    const active = this.ca.chains[0]![0]!;
    const caValidity = window(active.notBefore, null);
    const trees = await this.trees();
    const newestActive = (purpose: 'artifact' | 'rekor-v2') =>
      newestFirst(
        trees
          .filter((t) => t.purpose === purpose && t.frozenAt === null)
          .map((t) => ({ validFor: window(t.createdAt, null) })),
      )[0]?.validFor;
    const v1 = newestActive('artifact');
    const v2 = newestActive('rekor-v2');
    // Stock clients pick what the admin configured (CA_SIGNING_LOG): sigstore-go and cosign take
    // the highest API version listed, so v2 is listed only when chosen; sigstore-js takes the
    // newest validFor.start, so the chosen v2 log starts after the v1 log it is listed with.
    const logs = [
      ...(v1 === undefined ? [] : [service(this.config.logPublicUrl, v1)]),
      ...(this.config.ca.signingLog === 'v2' && v2 !== undefined
        ? [service(this.config.logV2PublicUrl, after(v2, v1), 2)]
        : []),
    ];
    return {
      mediaType: SIGNING_CONFIG_MEDIA_TYPE,
      caUrls: [service(this.config.caPublicUrl, caValidity)],
      oidcUrls: this.policy
        .verifier()
        .describe()
        .flatMap((i) => (i.issuerUrl === undefined ? [] : [service(i.issuerUrl, caValidity)])),
      rekorTlogUrls: newestFirst(logs),
      rekorTlogConfig: { selector: 'ANY' },
      tsaUrls: [service(this.tsaUrl, window(this.timestamps.chain[0]!.notBefore, null))],
      tsaConfig: { selector: 'ANY' },
    };
  }

  /** The base URL of the v2 shard with checkpoint origin `origin` (a hostname). */
  private v2Url(origin: string): string {
    const url = new URL(this.config.logV2PublicUrl);
    url.hostname = origin;
    return url.toString().replace(/\/+$/, '');
  }

  private trees(): Promise<PublishedLogTree[]> {
    return this.logTrees.all();
  }

  private authority(
    chain: readonly ParsedCertificate[],
    retired: boolean,
    uri = this.config.caPublicUrl,
  ): object {
    const issuing = chain[0]!;
    const root = chain[chain.length - 1]!;
    return {
      subject: {
        organization: nameOf(root.subjectName, 'O'),
        commonName: nameOf(root.subjectName, 'CN'),
      },
      uri,
      certChain: {
        certificates: chain.map((c) => ({ rawBytes: Buffer.from(c.der).toString('base64') })),
      },
      validFor: window(issuing.notBefore, retired ? issuing.notAfter : null),
    };
  }
}

/**
 * A validity window that starts early enough for the first signature: integratedTime is whole
 * seconds, so the start is floored to the second and moved back a minute.
 */
function window(start: Date, end: Date | null): ValidFor {
  const from = new Date(Math.floor(start.getTime() / 1000) * 1000 - 60_000).toISOString();
  return end === null ? { start: from } : { start: from, end: end.toISOString() };
}

/** `validity`, starting at least a second after `other` starts (when there is one). */
function after(validity: ValidFor, other: ValidFor | undefined): ValidFor {
  if (other === undefined || validity.start > other.start) return validity;
  return { start: new Date(new Date(other.start).getTime() + 1000).toISOString() };
}

/** Services ordered by `validFor.start`, newest first (ISO 8601 UTC strings sort as times). */
export function newestFirst<T extends { validFor: ValidFor }>(services: T[]): T[] {
  return [...services].sort((a, b) => b.validFor.start.localeCompare(a.validFor.start));
}

/**
 * The protobuf-specs `PublicKeyDetails` of a log key, as verifiers pick the algorithm from it.
 * RSA keys are named by their size (a 3072-bit key labelled 2048 would be refused or misread);
 * a key type Signet does not sign with is an error, never a guess.
 */
export function keyDetails(key: KeyObject): string {
  // Only keys Signet signs with: a P-521 or Ed448 log key is a misconfiguration, not a label.
  const details = signs(key) ? publicKeyDetails(key) : undefined;
  if (details !== undefined) return details.keyDetails;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const type = [key.asymmetricKeyType, curve ?? key.asymmetricKeyDetails?.modulusLength]
    .filter((part) => part !== undefined)
    .join(' ');
  throw new Error(`a log key of type ${type} has no trusted-root key details`);
}

function signs(key: KeyObject): boolean {
  try {
    signatureAlgorithmOf(key);
    return true;
  } catch {
    return false;
  }
}

function nameOf(dn: string, attribute: string): string {
  return new RegExp(`(?:^|, )${attribute}=([^,]*)`).exec(dn)?.[1] ?? '';
}
