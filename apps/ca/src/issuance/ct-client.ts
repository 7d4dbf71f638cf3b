import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import {
  decodeDigitallySigned,
  type DigitallySigned,
  type SignedCertificateTimestamp,
} from '@app/signing';
import { CaError } from '../errors';

const TIMEOUT_MS = 10_000;
/** An add-chain answer is a few hundred bytes; anything far larger is not one. */
const MAX_RESPONSE_BYTES = 64 * 1024;

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
 * SCT (fulcio#891) while CT is required. Uses node:http with keep-alive connections rather than
 * fetch, whose web streams cost the CA more CPU than the rest of a CT-on issuance.
 */
@Injectable()
export class CtClient implements OnModuleDestroy {
  private readonly logger = new Logger(CtClient.name);
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(@Inject(SIGNET_CONFIG) config: SignetConfig) {
    this.url = new URL(`${config.ca.logUrl}/ct/v1/add-pre-chain`);
    const https = this.url.protocol === 'https:';
    // Idle sockets close after 4 s, before a Node server's 5 s keep-alive timeout closes them
    // under a request in flight.
    const options = { keepAlive: true, timeout: 4_000 };
    this.agent = https ? new HttpsAgent(options) : new HttpAgent(options);
    this.send = https ? httpsRequest : httpRequest;
  }

  onModuleDestroy(): void {
    this.agent.destroy();
  }

  async addPreChain(chain: readonly Uint8Array[]): Promise<SignedCertificateTimestamp> {
    const request = JSON.stringify({
      chain: chain.map((der) =>
        Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64'),
      ),
    });
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.post(request));
    } catch (err) {
      // Where and why go to the operator's log; the client learns only that issuance failed.
      this.logger.error(
        `the certificate transparency log at ${this.url.href} could not be reached: ${(err as Error).message}`,
      );
      throw new CaError(
        'UNAVAILABLE',
        'the certificate transparency log could not be reached; no certificate was issued',
      );
    }
    const body = parseJson(text) as AddChainResponse & { message?: unknown };
    if (status < 200 || status > 299) {
      const why = typeof body.message === 'string' ? `: ${body.message}` : '';
      throw new CaError(
        'UNAVAILABLE',
        `the certificate transparency log refused the precertificate (HTTP ${status}${why}); no certificate was issued`,
      );
    }
    return toSct(body);
  }

  /** POSTs a JSON body; resolves with the status and the body text, whatever the status. */
  private post(body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.send(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
            } else {
              chunks.push(chunk);
            }
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

function parseJson(text: string): object {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
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
  if (logId.length !== 32) throw bad('a malformed SCT signature');
  let signed: DigitallySigned;
  try {
    signed = decodeDigitallySigned(Buffer.from(body.signature, 'base64'));
  } catch {
    throw bad('a malformed SCT signature');
  }
  return {
    version: 0,
    logId,
    timestamp: BigInt(body.timestamp),
    extensions: Buffer.from(typeof body.extensions === 'string' ? body.extensions : '', 'base64'),
    ...signed,
  };
}
