import { Inject, Injectable } from '@nestjs/common';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { hashLeaf } from '@app/merkle';
import {
  buildLeaf,
  certificatesToPem,
  type CtLogEntry,
  fingerprintOf,
  merkleTreeLeaf,
  precertEntry,
  type SignedCertificateTimestamp,
} from '@app/signing';
import { CaError } from '../errors';
import { CaChainService } from '../authority/ca-chain.service';
import { PolicyService } from '../policy';
import { parseClientKey, verifyProofOfPossession } from './client-key';
import { parseCsr } from './csr';
import { CtClient } from './ct-client';
import { LogTrees } from '../trust/log-trees';
import { IssuanceRepository } from './issuance.repository';
import { leafValidity } from './leaf-validity';
import { CtLogKeys } from './sct-check';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';
import type { SigningCertRequest } from './signing-cert.request';

/** What the caller knows about the HTTP request besides its body. */
export interface RequestContext {
  clientAddress?: string;
}

/**
 * Fulcio's CreateSigningCertificate, for a request checked for shape at the edge
 * ({@link SigningCertRequest}): verify the OIDC token, the proof of possession (or CSR),
 * the IAM rules, then issue a short-lived certificate and record the issuance. A request that
 * fails at any step writes nothing.
 */
@Injectable()
export class IssuanceService {
  private readonly perIdentity: RateLimiter;
  private readonly perClient: RateLimiter;
  private readonly ctRequired: boolean;
  private readonly ctLogKeys: CtLogKeys;

  constructor(
    private readonly policy: PolicyService,
    private readonly ca: CaChainService,
    private readonly issuances: IssuanceRepository,
    private readonly ct: CtClient,
    logTrees: LogTrees,
    rateLimits: RateLimitRepository,
    @Inject(SIGNET_CONFIG) config: SignetConfig,
  ) {
    this.ctRequired = config.ca.ctRequired;
    this.perIdentity = new RateLimiter(rateLimits, config.ca.rateLimitPerIdentity);
    this.perClient = new RateLimiter(rateLimits, config.ca.rateLimitPerClient);
    this.ctLogKeys = new CtLogKeys(() => logTrees.currentCtKeys());
  }

  async issue(request: SigningCertRequest, context: RequestContext): Promise<string[]> {
    await this.limit(this.perClient, `client ${context.clientAddress ?? 'unknown'}`);

    // One policy version decides the whole request: its issuers verify, its rules authorize.
    const policy = this.policy.current();
    const principal = await policy.verifier.verify(request.token);
    await this.limit(this.perIdentity, `identity ${principal.san.value}`);
    const { key, algorithm } =
      request.kind === 'publicKey'
        ? parseClientKey(request.publicKey, 'publicKeyRequest.publicKey.content')
        : await parseCsr(request.csr);
    if (request.kind === 'publicKey') {
      verifyProofOfPossession(key, algorithm, principal.challenge, request.proofOfPossession);
    }
    const decision = this.policy.authorize(
      {
        issuer: principal.issuer,
        subject: principal.san.value,
        claims: principal.claims,
        keyAlgorithm: algorithm,
      },
      policy,
    );

    const issuing = this.ca.chain[0]!;
    const { notBefore, notAfter } = leafValidity(
      new Date(),
      decision.lifetimeSeconds,
      this.ca.chain,
    );
    const leaf = buildLeaf({
      issuer: issuing,
      issuerSigner: this.ca.signer,
      subjectPublicKey: key,
      subjectAltName: principal.san,
      extensions: principal.extensions,
      notBefore,
      notAfter,
      policy: {
        version: decision.policyVersion,
        digest: decision.policyDigest,
        rule: decision.ruleName,
        ruleId: decision.ruleId,
      },
    });
    let ctLeafHash: Buffer | null = null;
    let certificate: Uint8Array;
    if (this.ctRequired) {
      const precertificate = await leaf.precertificate();
      const sct = await this.ct.addPreChain([precertificate, ...this.ca.chainDer]);
      const entry = precertEntry(precertificate, issuing);
      await this.ctLogKeys.check(sct, entry);
      ctLeafHash = ctLeafHashOf(sct, entry);
      certificate = await leaf.certificate([sct]);
    } else {
      certificate = await leaf.certificate();
    }
    await this.issuances.insert({
      serial: leaf.serialNumber.toString(16),
      identity: principal.san.value,
      sanType: principal.san.type,
      issuer: principal.issuer,
      subject: principal.subject,
      ruleId: decision.ruleId,
      ruleName: decision.ruleName,
      keyFingerprint: fingerprintOf(key),
      keyAlgorithm: algorithm,
      notBefore,
      notAfter,
      clientAddress: context.clientAddress ?? null,
      policyVersion: BigInt(decision.policyVersion),
      ctLeafHash,
    });
    return [certificatesToPem([certificate]), ...this.ca.chainPem];
  }

  private async limit(limiter: RateLimiter, key: string): Promise<void> {
    const retryAfter = await limiter.take(key);
    if (retryAfter > 0) {
      throw new CaError(
        'RATE_LIMITED',
        `too many certificate requests for ${key}; retry in ${retryAfter} s`,
        retryAfter,
      );
    }
  }
}

/** RFC 6962 leaf hash of the CT entry an SCT promises: how the issuance links to its CT entry. */
function ctLeafHashOf(sct: SignedCertificateTimestamp, entry: CtLogEntry): Buffer {
  return Buffer.from(
    hashLeaf(merkleTreeLeaf({ timestamp: sct.timestamp, entry, extensions: sct.extensions })),
  );
}
