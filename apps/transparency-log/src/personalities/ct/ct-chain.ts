/* What add-chain and add-pre-chain accept (RFC 6962 §4.1, §4.2): a chain, leaf first, whose every
   issuer is one of this instance's CA certificates and which verifies up to one of its roots. */
import {
  certificateSignedBy,
  describeCertificate,
  fromBase64,
  parseCertificate,
  type ParsedCertificate,
  SigningError,
  verifyChain,
  X509Oid,
} from '@app/signing';
import type { ChainVerifier } from '../../core/trust/chain-verifier';
import { CtError } from './ct.errors';

/** What the leaf must be: a certificate (add-chain) or a precertificate (add-pre-chain). */
export type CtSubmission = 'certificate' | 'precertificate';

/** Most certificates a submitted chain may hold. */
export const MAX_CHAIN_LENGTH = 10;

/** DER of ASN.1 NULL: the poison's extnValue (RFC 6962 §3.1). */
const ASN1_NULL = Buffer.from([0x05, 0x00]);

/**
 * Parses an RFC 6962 §4.1 request body `{"chain": [base64 DER, ...]}`. Returns the parsed
 * certificates, leaf first; one of `trust`'s CA certificates is taken as already parsed there.
 * Throws MALFORMED_CHAIN naming the bad field or certificate.
 */
export function parseChainRequest(body: unknown, trust?: ChainVerifier): ParsedCertificate[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CtError('MALFORMED_CHAIN', 'request body must be a JSON object {"chain": [...]}');
  }
  const unknown = Object.keys(body).find((k) => k !== 'chain');
  if (unknown !== undefined) {
    throw new CtError('MALFORMED_CHAIN', `${unknown}: unknown field (expected only chain)`);
  }
  const chain = (body as { chain?: unknown }).chain;
  if (!Array.isArray(chain) || chain.length === 0 || chain.length > MAX_CHAIN_LENGTH) {
    throw new CtError(
      'MALFORMED_CHAIN',
      `chain must be an array of 1 to ${MAX_CHAIN_LENGTH} base64 DER certificates, leaf first`,
    );
  }
  return chain.map((item: unknown, i) => {
    if (typeof item !== 'string')
      throw new CtError('MALFORMED_CHAIN', `chain[${i}] must be a string`);
    const known = trust?.certificateOf(item);
    if (known !== undefined) return known;
    let der: Uint8Array;
    try {
      der = fromBase64(item, `chain[${i}]`);
    } catch (cause) {
      throw new CtError('MALFORMED_CHAIN', `chain[${i}] is not canonical standard base64`, {
        cause,
      });
    }
    try {
      return parseCertificate(der);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new CtError('MALFORMED_CHAIN', `chain[${i}] is not a DER X.509 certificate: ${why}`, {
        cause,
      });
    }
  });
}

/**
 * Checks a submitted chain and returns the verified path, leaf first and one of the instance's
 * roots last. In order: the leaf is (add-pre-chain) or is not (add-chain) a precertificate with
 * the critical CT poison; each submitted certificate is signed by the next (INVALID_CHAIN); each
 * submitted issuer is one of the instance's CA certificates, and the path verifies up to one of
 * its roots at the leaf's notBefore, so expired certificates can still be logged for audit
 * (UNTRUSTED_CHAIN). A precertificate must be signed by its final issuer (Fulcio's flow; no
 * Precertificate Signing Certificate).
 */
export function verifySubmittedChain(
  chain: readonly ParsedCertificate[],
  submission: CtSubmission,
  trust: ChainVerifier,
): ParsedCertificate[] {
  const leaf = chain[0]!;
  checkPoison(leaf, submission);
  for (let i = 1; i < chain.length; i++) {
    if (!trust.signedBy(chain[i - 1]!, chain[i]!)) {
      throw new CtError(
        'INVALID_CHAIN',
        `chain[${i - 1}] ${describeCertificate(chain[i - 1]!)} is not signed by chain[${i}] ${describeCertificate(chain[i]!)}`,
      );
    }
  }
  if (trust.certificates.length === 0) {
    throw new CtError(
      'UNTRUSTED_CHAIN',
      "this log knows no CA certificates yet: the instance's CA records them when it starts",
    );
  }
  chain.forEach((certificate, i) => {
    if (i > 0 && !trust.has(certificate)) {
      throw new CtError(
        'UNTRUSTED_CHAIN',
        `chain[${i}] ${describeCertificate(certificate)} is not one of this instance's CA certificates`,
      );
    }
  });
  if (submission === 'certificate') {
    const intermediates = [...chain.slice(1), ...trust.intermediates];
    return trusted(() => verifyChain(leaf, intermediates, trust.roots, leaf.notBefore));
  }
  const known = [...trust.roots, ...trust.intermediates];
  const issuer = chain[1] ?? known.find((k) => certificateSignedBy(leaf, k));
  if (issuer === undefined) {
    throw new CtError(
      'UNTRUSTED_CHAIN',
      `chain[0] ${describeCertificate(leaf)} was not issued by any of this instance's CA certificates`,
    );
  }
  // verifyChain refuses the poison (an unknown critical extension), rightly for certificates:
  // verify the issuer's path, then apply to the issuer the checks it would have had above a leaf.
  const above = trusted(() => trust.issuerPath(issuer, chain.slice(1), leaf.notBefore));
  if (issuer.basicConstraints?.ca !== true) {
    throw new CtError(
      'INVALID_CHAIN',
      `issuer ${describeCertificate(issuer)} is not a CA (basicConstraints cA is not TRUE)`,
    );
  }
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('keyCertSign')) {
    throw new CtError(
      'INVALID_CHAIN',
      `issuer ${describeCertificate(issuer)}: keyUsage lacks keyCertSign`,
    );
  }
  above.forEach((certificate, below) => {
    const limit = certificate.basicConstraints?.pathLength;
    if (limit !== undefined && below > limit) {
      throw new CtError(
        'INVALID_CHAIN',
        `${describeCertificate(certificate)}: pathLenConstraint ${limit} exceeded by ${below} intermediate(s) below it`,
      );
    }
  });
  return [leaf, ...above];
}

function checkPoison(leaf: ParsedCertificate, submission: CtSubmission): void {
  const poison = leaf.extensions.find((e) => e.oid === X509Oid.ctPoison);
  if (submission === 'certificate') {
    if (poison !== undefined) {
      throw new CtError(
        'UNEXPECTED_POISON',
        `chain[0] is a precertificate (it carries the CT poison extension ${X509Oid.ctPoison}): submit it to add-pre-chain`,
      );
    }
    return;
  }
  if (poison === undefined) {
    throw new CtError(
      'MISSING_POISON',
      `chain[0] lacks the CT poison extension ${X509Oid.ctPoison}: add-pre-chain takes precertificates; submit certificates to add-chain`,
    );
  }
  if (!poison.critical || !Buffer.from(poison.value).equals(ASN1_NULL)) {
    throw new CtError(
      'MISSING_POISON',
      `chain[0]'s CT poison extension must be critical with an ASN.1 NULL value (RFC 6962 §3.1)`,
    );
  }
}

function trusted<T>(verify: () => T): T {
  try {
    return verify();
  } catch (cause) {
    if (!(cause instanceof SigningError)) throw cause;
    throw new CtError(
      'UNTRUSTED_CHAIN',
      `the chain does not verify up to one of this instance's CA roots: ${cause.message}`,
      { cause },
    );
  }
}
