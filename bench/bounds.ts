// The machine's limits, measured in the same run, and the crypto bound of each headline figure:
// the rate (or latency) the figure would have if the service did nothing but its unavoidable
// cryptography on one core. bench/README.md explains each formula.
import type { BenchResult, Figure } from './support/figures';
import { round } from './support/figures';

/** Milliseconds per primitive operation on this machine, on one core. */
export interface CryptoCosts {
  /** One P-256 ECDSA signature (SHA-256, Node crypto). */
  signMs: number;
  /** One P-256 ECDSA verification. */
  verifyMs: number;
  /** One SHA-256 of a 64-byte input (= one interior Merkle node: 65 bytes, also two blocks). */
  sha256Ms: number;
}

/** Reads the costs from the signing and Merkle benches' figures. */
export function costsFrom(results: readonly BenchResult[]): CryptoCosts {
  const rate = (id: string) => {
    const found = results.find((r) => r.id === id);
    if (found === undefined) throw new Error(`bound ${id} was not measured`);
    return found.value;
  };
  return {
    signMs: 1000 / rate('crypto_p256_sign_per_s'),
    verifyMs: 1000 / rate('crypto_p256_verify_per_s'),
    sha256Ms: 1000 / rate('sha256_64b_per_s'),
  };
}

/** The crypto time of one unit of work, per headline figure. */
export const cryptoTimeMs = {
  /** Token (ES256) verification + proof-of-possession verification + certificate signature, and
   *  with CT the precertificate signature too: the CA process's own work. */
  issuance: (c: CryptoCosts, ct: boolean) => 2 * c.verifyMs + (ct ? 2 : 1) * c.signMs,
  /** Entry signature verification + chain verification (leaf ← intermediate ← root: 2
   *  verifications; the root is trusted, not verified) + the SET signature. */
  logAppend: (c: CryptoCosts) => 3 * c.verifyMs + c.signMs,
  /** @sigstore/verify on a hashedrekord bundle: chain (leaf, intermediate, and the root's
   *  self-signature: 3), SCT (1, with CT), SET (1), checkpoint (1), artifact signature (1); plus
   *  about 22 SHA-256 for the inclusion proof at small sizes. */
  verifyBundle: (c: CryptoCosts, withSct: boolean) =>
    (withSct ? 7 : 6) * c.verifyMs + 22 * c.sha256Ms,
  /** Root of n leaf hashes: n − 1 interior nodes, one SHA-256 each. */
  merkleRoot: (c: CryptoCosts, leaves: number) => (leaves - 1) * c.sha256Ms,
};

/** A rate figure (ops/s) against the bound `1000 / cryptoMs`. */
export function rateFigure(id: string, value: number, cryptoMs: number, note?: string): Figure {
  const bound = 1000 / cryptoMs;
  return {
    id,
    unit: 'ops/s',
    value: round(value),
    bound: round(bound),
    ratio: round(value / bound),
    ...(note ? { note } : {}),
  };
}

/** A time figure (ms or s) against the bound `boundValue` in the same unit. */
export function timeFigure(
  id: string,
  unit: 'ms' | 's',
  value: number,
  boundValue: number,
  note?: string,
): Figure {
  return {
    id,
    unit,
    value: round(value),
    bound: round(boundValue),
    ratio: round(boundValue / value),
    ...(note ? { note } : {}),
  };
}
