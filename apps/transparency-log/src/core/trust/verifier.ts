import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '@app/signing';

/**
 * A key (and, when it came as a certificate, the leaf certificate) that verified a signature of
 * a proposed entry: what write authorization decides on, whatever the entry's format.
 */
export interface EntryVerifier {
  publicKey: KeyObject;
  /** The leaf certificate, parsed once; absent when the client sent a bare public key. */
  certificate?: ParsedCertificate;
}
