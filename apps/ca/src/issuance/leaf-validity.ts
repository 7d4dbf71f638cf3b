import { CaError } from '../errors';

/** The validity of one certificate of the issuing chain. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * The validity of a leaf issued at `now` for `lifetimeSeconds`: from `now` truncated to whole
 * seconds (X.509 times have no fractions, RFC 5280 §4.1.2.5) to the earliest of that plus the
 * lifetime and every `chain` certificate's `notAfter`, since a leaf that outlives its issuer does
 * not verify after it. Throws UNAVAILABLE (503) when a chain certificate is not valid at `now`:
 * an expired intermediate must stop issuing, not issue certificates that never verify.
 */
export function leafValidity(now: Date, lifetimeSeconds: number, chain: readonly Validity[]) {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  let notAfter = notBefore.getTime() + lifetimeSeconds * 1000;
  chain.forEach((certificate, index) => {
    if (certificate.notBefore > now || certificate.notAfter < now) {
      throw new CaError(
        'UNAVAILABLE',
        `the CA cannot issue: certificate ${index} of its chain is valid from ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`,
      );
    }
    notAfter = Math.min(notAfter, certificate.notAfter.getTime());
  });
  return { notBefore, notAfter: new Date(notAfter) };
}
