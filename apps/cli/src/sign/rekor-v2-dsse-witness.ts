/* A DSSE envelope logged to a Rekor v2 shard as sigstore-go and cosign log it: a hashedrekord
   v0.0.2 over the SHA-256 of the envelope's PAE. (sigstore-js sends a dsseRequestV002, which
   rekor-tiles, and Signet, refuse.) */
import { TransparencyLogEntry } from '@sigstore/protobuf-specs';
import type { SignatureBundle, VerificationMaterial, Witness } from '@sigstore/sign';
import { createHash, X509Certificate } from 'node:crypto';
import { certificatesFromPem, preAuthEncoding } from '@app/signing';

const TIMEOUT_MS = 30_000;

export class RekorV2DsseWitness implements Witness {
  constructor(private readonly baseUrl: string) {}

  async testify(content: SignatureBundle, certificatePem: string): Promise<VerificationMaterial> {
    if (content.$case !== 'dsseEnvelope') {
      throw new Error('the Rekor v2 DSSE witness logs DSSE envelopes only');
    }
    const envelope = content.dsseEnvelope;
    const signature = envelope.signatures[0];
    if (signature === undefined || envelope.signatures.length !== 1) {
      throw new Error('a Rekor v2 entry holds exactly one DSSE signature');
    }
    const [der] = certificatesFromPem(certificatePem);
    if (der === undefined) throw new Error('the signer returned no certificate');
    const key = new X509Certificate(der).publicKey;
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('the signing key is not ECDSA P-256');
    }
    const pae = preAuthEncoding(envelope.payloadType, envelope.payload);
    const res = await fetch(`${this.baseUrl}/api/v2/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      body: JSON.stringify({
        hashedRekordRequestV002: {
          digest: createHash('sha256').update(pae).digest('base64'),
          signature: {
            content: Buffer.from(signature.sig).toString('base64'),
            verifier: {
              x509Certificate: { rawBytes: Buffer.from(der).toString('base64') },
              keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            },
          },
        },
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { message?: unknown };
    if (res.status !== 201) {
      throw Object.assign(
        new Error(
          `the Rekor v2 log answered ${res.status}${typeof body.message === 'string' ? `: ${body.message}` : ''}`,
        ),
        { statusCode: res.status },
      );
    }
    const entry = TransparencyLogEntry.fromJSON(body);
    if (entry.logId === undefined || entry.kindVersion === undefined) {
      throw new Error('the Rekor v2 log answered an entry without logId or kindVersion');
    }
    return { tlogEntries: [{ ...entry, logId: entry.logId, kindVersion: entry.kindVersion }] };
  }
}
