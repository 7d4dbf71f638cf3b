import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@app/platform';
import { parsePublicKey } from '@app/signing';

const PUBLIC_KEY_BLOCK = /-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\s]+?-----END PUBLIC KEY-----/g;

/**
 * The public keys of a PEM file named by `variable` (CA_LOG_PUBLIC_KEYS, CA_POLICY_RETIRED_KEYS),
 * read before Nest starts. A file that cannot be read, holds no "PUBLIC KEY" block, or has a
 * block that does not parse is a {@link ConfigError} naming the variable and the block.
 */
export function readPublicKeyFile(variable: string, file: string): KeyObject[] {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`${variable}: cannot read ${file}`]);
  }
  const blocks = pem.match(PUBLIC_KEY_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new ConfigError([`${variable}: ${file} holds no PEM "PUBLIC KEY" block`]);
  }
  return blocks.map((block, i) => {
    try {
      return parsePublicKey(`${block}\n`);
    } catch (err) {
      throw new ConfigError([`${variable}: key ${i + 1} of ${file}: ${(err as Error).message}`]);
    }
  });
}
