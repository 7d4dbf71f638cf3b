import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Checks an RFC 3161 reply with an independent implementation: `openssl ts -verify` against the
 * TSA's root (trusted) and certificate (untrusted), plus `args` (`-data F`, `-queryfile Q`,
 * `-attime T`). Writes its files in `dir`; returns openssl's output, throws when it refuses.
 */
export function opensslTsVerify(
  dir: string,
  reply: Uint8Array,
  chain: { rootPem: string; leafPem: string },
  ...args: string[]
): string {
  writeFileSync(join(dir, 'reply.tsr'), reply);
  writeFileSync(join(dir, 'root.pem'), chain.rootPem);
  writeFileSync(join(dir, 'leaf.pem'), chain.leafPem);
  return execFileSync(
    'openssl',
    [
      'ts',
      '-verify',
      '-in',
      join(dir, 'reply.tsr'),
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'leaf.pem'),
      ...args,
    ],
    { encoding: 'utf8', stdio: 'pipe' },
  );
}
