import type { Signer } from '../signer';
import { fingerprintOf } from '../keys';
import { verifyChain } from '../x509/chain';
import { X509Oid } from '../x509/oids';
import type { ParsedCertificate } from '../x509/parse';

/** What is wrong with a TSA's key and chain, or undefined when they can issue timestamps. */
export function tsaChainProblem(
  signer: Signer,
  chain: readonly ParsedCertificate[],
): string | undefined {
  const leaf = chain[0];
  if (leaf === undefined) return 'holds no certificate';
  if (fingerprintOf(leaf.publicKey) !== fingerprintOf(signer.publicKey)) {
    return 'its first certificate does not hold the public key of TSA_KEY';
  }
  if (signer.algorithm !== 'ecdsa-p256-sha256' && signer.algorithm !== 'ecdsa-p384-sha384') {
    return `TSA_KEY is ${signer.algorithm}; a TSA signs with ECDSA P-256 or P-384 (what Sigstore verifiers accept)`;
  }
  const timeStamping = leaf.extensions.find((e) => e.oid === X509Oid.extendedKeyUsage);
  if (
    timeStamping?.critical !== true ||
    leaf.extendedKeyUsage?.length !== 1 ||
    leaf.extendedKeyUsage[0] !== X509Oid.timeStamping
  ) {
    return 'its first certificate must have extKeyUsage timeStamping alone, critical (RFC 3161 §2.3)';
  }
  try {
    verifyChain(leaf, chain.slice(1, -1), [chain[chain.length - 1]!], new Date());
  } catch (err) {
    return `does not verify: ${(err as Error).message}`;
  }
  return undefined;
}
