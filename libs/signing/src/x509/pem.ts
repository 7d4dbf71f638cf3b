import { SigningError } from '../errors';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * PEM text (RFC 7468 §2, label `CERTIFICATE`, 64-column base64, `\n` line ends) of each DER
 * certificate, concatenated in the given order. This is the chain form Fulcio's v2 API returns
 * one element at a time and its v1 API returns joined.
 */
export function certificatesToPem(certificates: readonly Uint8Array[]): string {
  return certificates
    .map((der) => {
      const lines =
        Buffer.from(der)
          .toString('base64')
          .match(/.{1,64}/g) ?? [];
      return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
    })
    .join('');
}

/**
 * The DER bytes of every `CERTIFICATE` block in `pem`, in order. Text outside the blocks is
 * ignored (RFC 7468 §2 allows explanatory text). Throws `INVALID_CERTIFICATE` when there is no
 * block, a block has another label or mismatched boundaries, or its body is not strict base64.
 */
export function certificatesFromPem(pem: string): Uint8Array[] {
  const certificates: Uint8Array[] = [];
  for (const [, begin, body, end] of pem.matchAll(BLOCK)) {
    if (begin !== end) {
      throw new SigningError(
        'INVALID_CERTIFICATE',
        `PEM block BEGIN ${begin} ends with END ${end}`,
      );
    }
    if (begin !== 'CERTIFICATE') {
      throw new SigningError('INVALID_CERTIFICATE', `PEM block is ${begin}, expected CERTIFICATE`);
    }
    const base64 = (body ?? '').replace(/[ \t\r\n]/g, '');
    if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) {
      throw new SigningError('INVALID_CERTIFICATE', 'PEM CERTIFICATE block is not valid base64');
    }
    certificates.push(new Uint8Array(Buffer.from(base64, 'base64')));
  }
  if (certificates.length === 0) {
    throw new SigningError('INVALID_CERTIFICATE', 'no PEM CERTIFICATE block found');
  }
  return certificates;
}
