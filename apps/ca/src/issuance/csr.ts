import 'reflect-metadata';
import type { KeyObject } from 'node:crypto';
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { publicKeyFromSpki } from '@app/signing';
import { CaError } from '../errors';
import type { KeyAlgorithm } from '../policy/rules.config';
import { keyAlgorithmOf } from './client-key';

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
    const bytes = Buffer.from(value, 'base64');
    const pem = bytes.toString('utf8');
    csr = new Pkcs10CertificateRequest(pem.includes('-----BEGIN') ? pem : bytes);
  } catch {
    throw new CaError(
      'INVALID_CSR',
      'certificateSigningRequest could not be parsed as a PKCS#10 request',
    );
  }
  let key: KeyObject;
  try {
    key = publicKeyFromSpki(new Uint8Array(csr.publicKey.rawData));
  } catch {
    // The request's DER parsed, but its SubjectPublicKeyInfo is no key Node can read (an unknown
    // curve OID, a point off the curve): the client's key is at fault, as for publicKeyRequest.
    throw new CaError(
      'INVALID_KEY',
      'certificateSigningRequest: its public key could not be parsed as a public key',
    );
  }
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
