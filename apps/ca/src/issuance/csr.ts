import 'reflect-metadata';
import { createPublicKey } from 'node:crypto';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { CaError } from '../errors';
import { keyAlgorithmOf, type KeyAlgorithm } from './client-key';
import type { KeyObject } from 'node:crypto';

/**
 * Parses `certificateSigningRequest` (base64 of a PEM PKCS#10, as Fulcio's JSON gateway sends
 * `bytes`) and checks its self-signature, which proves possession. Only the key is used: the
 * CSR's subject and SANs are ignored, as in Fulcio.
 */
export async function parseCsr(
  value: unknown,
): Promise<{ key: KeyObject; algorithm: KeyAlgorithm }> {
  if (typeof value !== 'string' || value.length === 0 || value.length > 65_536) {
    throw new CaError(
      'INVALID_REQUEST',
      'certificateSigningRequest must be base64 of a PEM certificate request',
    );
  }
  let csr: Pkcs10CertificateRequest;
  try {
    const pem = Buffer.from(value, 'base64').toString('utf8');
    csr = new Pkcs10CertificateRequest(
      pem.includes('-----BEGIN') ? pem : Buffer.from(value, 'base64'),
    );
  } catch {
    throw new CaError(
      'INVALID_CSR',
      'certificateSigningRequest could not be parsed as a PKCS#10 request',
    );
  }
  const key = createPublicKey({
    key: Buffer.from(csr.publicKey.rawData),
    format: 'der',
    type: 'spki',
  });
  const algorithm = keyAlgorithmOf(key, 'certificateSigningRequest');
  let valid: boolean;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid)
    throw new CaError(
      'INVALID_CSR',
      'certificateSigningRequest: its signature does not verify with its own key',
    );
  return { key, algorithm };
}
