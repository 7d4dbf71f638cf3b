/* Test helpers of the `signet log` commands. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyToDer, type Signer } from '@app/signing';

/** Writes, in `dir`, a trusted root whose one transparency log at `baseUrl` has `signer`'s key. */
export function trustedRootFile(dir: string, signer: Signer, baseUrl: string): string {
  const rawBytes = Buffer.from(publicKeyToDer(signer.publicKey)).toString('base64');
  const root = {
    tlogs: [
      {
        baseUrl,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes, keyDetails: 'PKIX_ECDSA_P256_SHA_256' },
        logId: {
          keyId: createHash('sha256').update(Buffer.from(rawBytes, 'base64')).digest('base64'),
        },
      },
    ],
    certificateAuthorities: [{ certChain: { certificates: [{ rawBytes: 'AAAA' }] } }],
  };
  const path = join(dir, 'trusted_root.json');
  writeFileSync(path, JSON.stringify(root));
  return path;
}
