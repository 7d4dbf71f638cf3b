/* What `signet verify` checks the bundle against: a file, or only its digest. The argument is a
   digest when it reads `sha256:<64 hex>` and no file has that name (sigstore-conformance's CLI
   protocol, docs/cli_protocol.md: FILE_OR_DIGEST). */
import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { usageError } from '../cli/exit-codes';
import { readInput } from '../cli/files';

/** The artifact to verify: its bytes when a file was given, else only its SHA-256. */
export type ArtifactInput =
  { kind: 'file'; path: string; data: Buffer; sha256: string } | { kind: 'digest'; sha256: string };

/** The prefix that makes FILE a digest. */
export const DIGEST_PREFIX = 'sha256:';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * Reads `arg`: an existing file is always a file (even one named `sha256:…`); otherwise
 * `sha256:` followed by 64 hex digits is a digest (returned in lowercase). Throws a usage error
 * (64) for any other `sha256:` argument that is not a file, exit 2 for an unreadable file.
 */
export async function readArtifactInput(arg: string): Promise<ArtifactInput> {
  if (arg.startsWith(DIGEST_PREFIX) && !(await exists(arg))) {
    const hex = arg.slice(DIGEST_PREFIX.length);
    if (!SHA256_HEX.test(hex)) {
      throw usageError(
        `${JSON.stringify(arg)} is neither a file nor a digest: a digest is sha256: followed by 64 hex digits`,
      );
    }
    return { kind: 'digest', sha256: hex.toLowerCase() };
  }
  const data = await readInput(arg, 'file');
  return { kind: 'file', path: arg, data, sha256: createHash('sha256').update(data).digest('hex') };
}

/** How the artifact is named in messages: its path, or `sha256:<hex>`. */
export function describeArtifact(input: ArtifactInput): string {
  return input.kind === 'file' ? input.path : `${DIGEST_PREFIX}${input.sha256}`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
