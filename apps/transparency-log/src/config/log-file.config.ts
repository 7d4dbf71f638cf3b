import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type SignetConfig } from '@app/platform';

const section = z
  .object({
    /** PEM files with the CA certificates (roots and intermediates) whose leaves may write. */
    trustedCertificates: z.array(z.string().min(1)).default([]),
    /** PEM files with public keys that may write without a certificate. */
    allowedPublicKeys: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** The `log:` section of SIGNET_CONFIG with every file read. */
export interface LogFileSettings {
  trustedCertificatesPem: string[];
  allowedPublicKeysPem: string[];
}

/** Reads the `log:` section of the YAML file; throws {@link ConfigError} naming the bad field. */
export function logFileSettings(config: SignetConfig): LogFileSettings {
  const parsed = section.safeParse(config.file.log ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `SIGNET_CONFIG: log.${i.path.join('.')}: ${i.message}`),
    );
  }
  const base = config.configFile === undefined ? process.cwd() : dirname(config.configFile);
  const read = (field: string, path: string): string => {
    try {
      return readFileSync(resolve(base, path), 'utf8');
    } catch {
      throw new ConfigError([`SIGNET_CONFIG: log.${field}: cannot read ${resolve(base, path)}`]);
    }
  };
  return {
    trustedCertificatesPem: parsed.data.trustedCertificates.map((p) =>
      read('trustedCertificates', p),
    ),
    allowedPublicKeysPem: parsed.data.allowedPublicKeys.map((p) => read('allowedPublicKeys', p)),
  };
}
