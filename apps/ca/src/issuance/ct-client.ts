import { Inject, Injectable } from '@nestjs/common';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import type { SignedCertificateTimestamp } from '@app/signing';
import { CaError } from '../errors';

const TIMEOUT_MS = 10_000;

interface AddChainResponse {
  sct_version?: unknown;
  id?: unknown;
  timestamp?: unknown;
  extensions?: unknown;
  signature?: unknown;
}

/**
 * Submits precertificates to the instance's CT log (RFC 6962 §4.1 add-pre-chain) and returns the
 * SCT to embed. Any failure is UNAVAILABLE: a certificate is never silently issued without its
 * SCT (fulcio#891) while CT is required.
 */
@Injectable()
export class CtClient {
  private readonly url: string;

  constructor(@Inject(SIGNET_CONFIG) config: SignetConfig) {
    this.url = `${config.ca.logUrl}/ct/v1/add-pre-chain`;
  }

  async addPreChain(chain: readonly Uint8Array[]): Promise<SignedCertificateTimestamp> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ chain: chain.map((der) => Buffer.from(der).toString('base64')) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new CaError(
        'UNAVAILABLE',
        `the certificate transparency log at ${this.url} could not be reached (${(err as Error).message}); no certificate was issued`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as AddChainResponse & { message?: unknown };
    if (!res.ok) {
      const why = typeof body.message === 'string' ? `: ${body.message}` : '';
      throw new CaError(
        'UNAVAILABLE',
        `the certificate transparency log refused the precertificate (HTTP ${res.status}${why}); no certificate was issued`,
      );
    }
    return toSct(body);
  }
}

/** Parses an RFC 6962 §4.1 response; the signature is a TLS DigitallySigned struct. */
function toSct(body: AddChainResponse): SignedCertificateTimestamp {
  const bad = (what: string) =>
    new CaError(
      'UNAVAILABLE',
      `the certificate transparency log answered with ${what}; no certificate was issued`,
    );
  if (body.sct_version !== 0 || typeof body.id !== 'string' || typeof body.signature !== 'string') {
    throw bad('a malformed SCT');
  }
  if (typeof body.timestamp !== 'number' || !Number.isSafeInteger(body.timestamp))
    throw bad('a bad SCT timestamp');
  const logId = Buffer.from(body.id, 'base64');
  const signed = Buffer.from(body.signature, 'base64');
  if (logId.length !== 32 || signed.length < 4 || signed.readUInt16BE(2) !== signed.length - 4) {
    throw bad('a malformed SCT signature');
  }
  return {
    version: 0,
    logId,
    timestamp: BigInt(body.timestamp),
    extensions: Buffer.from(typeof body.extensions === 'string' ? body.extensions : '', 'base64'),
    hashAlgorithm: signed[0]!,
    signatureAlgorithm: signed[1]!,
    signature: signed.subarray(4),
  };
}
