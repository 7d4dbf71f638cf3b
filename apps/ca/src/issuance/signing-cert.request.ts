import { CaError } from '../errors';

/**
 * Fulcio's `CreateSigningCertificateRequest` (grpc-gateway JSON), checked for shape at the HTTP
 * edge: the token, and exactly one of a public key with its proof of possession or a CSR. The key
 * and CSR themselves are parsed by the service, after the token is verified, so that an unknown
 * caller learns nothing about what the CA would accept.
 */
export type SigningCertRequest = { token: string } & (
  | { kind: 'publicKey'; publicKey: unknown; proofOfPossession: unknown }
  | { kind: 'csr'; csr: unknown }
);

interface RawRequest {
  credentials?: { oidcIdentityToken?: unknown };
  publicKeyRequest?: { publicKey?: { content?: unknown }; proofOfPossession?: unknown };
  certificateSigningRequest?: unknown;
}

/**
 * The request in `body`, with the token taken from `credentials.oidcIdentityToken`, else from
 * an `Authorization: Bearer` header (`bearerToken`). Throws INVALID_REQUEST naming the field.
 */
export function parseSigningCertRequest(body: unknown, bearerToken?: string): SigningCertRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CaError('INVALID_REQUEST', 'request body must be a JSON object');
  }
  const raw = body as RawRequest;
  const token = raw.credentials?.oidcIdentityToken ?? bearerToken;
  if (typeof token !== 'string' || token === '') {
    throw new CaError(
      'INVALID_REQUEST',
      'credentials.oidcIdentityToken (or an Authorization: Bearer header) is required',
    );
  }
  if ((raw.publicKeyRequest === undefined) === (raw.certificateSigningRequest === undefined)) {
    throw new CaError(
      'INVALID_REQUEST',
      'exactly one of publicKeyRequest or certificateSigningRequest is required',
    );
  }
  return raw.publicKeyRequest !== undefined
    ? {
        token,
        kind: 'publicKey',
        publicKey: raw.publicKeyRequest.publicKey?.content,
        proofOfPossession: raw.publicKeyRequest.proofOfPossession,
      }
    : { token, kind: 'csr', csr: raw.certificateSigningRequest };
}
