import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, missingPin, type SignetConfig } from '@app/platform';
import { caCertificateFingerprint } from '@app/schema';
import {
  certificatesFromPem,
  fingerprintOf,
  parseCertificate,
  parsePublicKey,
  type ParsedCertificate,
} from '@app/signing';

/** Injection token of the log's {@link LogWriteSettings}. */
export const LOG_WRITE_SETTINGS = Symbol('LOG_WRITE_SETTINGS');

/** Who may write, from the `log:` section: parsed certificates and key fingerprints. */
export interface LogWriteSettings {
  /** `log.trustedCertificates`: CA certificates whose leaves may write. */
  readonly trustedCertificates: readonly ParsedCertificate[];
  /** `log.allowedPublicKeys`: SHA-256 fingerprints of the keys that may write without one. */
  readonly allowedKeyFingerprints: readonly string[];
  /**
   * LOG_CA_ROOTS: SHA-256 fingerprints of the instance CA's roots; a recorded root is trusted
   * only when pinned here. Undefined (development): every recorded root.
   */
  readonly instanceCaRoots: ReadonlySet<string> | undefined;
}

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

/**
 * The `log:` section read and parsed before Nest starts: every file read, every certificate and
 * key parsed. Throws one {@link ConfigError} listing each bad file, by field and position
 * (`SIGNET_CONFIG: log.allowedPublicKeys[1]: …`).
 */
export function parseLogWriteSettings(config: SignetConfig): LogWriteSettings {
  const settings = logFileSettings(config);
  const problems: string[] = [];
  const each = <T>(field: string, pems: string[], parse: (pem: string) => T[]): T[] =>
    pems.flatMap((pem, i) => {
      try {
        return parse(pem);
      } catch (err) {
        problems.push(`SIGNET_CONFIG: log.${field}[${i}]: ${(err as Error).message}`);
        return [];
      }
    });
  const trustedCertificates = each('trustedCertificates', settings.trustedCertificatesPem, (pem) =>
    certificatesFromPem(pem).map((der) => parseCertificate(der)),
  );
  const allowedKeyFingerprints = each('allowedPublicKeys', settings.allowedPublicKeysPem, (pem) => [
    fingerprintOf(parsePublicKey(pem)),
  ]);
  const instanceCaRoots = readInstanceCaRoots(config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { trustedCertificates, allowedKeyFingerprints, instanceCaRoots };
}

/**
 * LOG_CA_ROOTS, read: the fingerprints of the self-signed roots in the file. Unset, refused where
 * development keys are (production); problems are pushed to `problems`, naming the variable.
 */
function readInstanceCaRoots(
  config: SignetConfig,
  problems: string[],
): ReadonlySet<string> | undefined {
  const file = config.log.caRootsFile;
  if (file === undefined) {
    const refusal = missingPin(config, 'LOG_CA_ROOTS');
    if (refusal !== undefined) problems.push(refusal);
    return undefined;
  }
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch {
    problems.push(`LOG_CA_ROOTS: ${file}: cannot read it`);
    return undefined;
  }
  let roots: ParsedCertificate[];
  try {
    roots = certificatesFromPem(pem).map((der) => parseCertificate(der));
  } catch (err) {
    problems.push(`LOG_CA_ROOTS: ${file}: ${(err as Error).message}`);
    return undefined;
  }
  const notRoot = roots.findIndex((c) => !Buffer.from(c.subject).equals(Buffer.from(c.issuer)));
  if (notRoot >= 0) {
    problems.push(
      `LOG_CA_ROOTS: certificate ${notRoot + 1} of ${file} is not a root (its issuer is not its subject)`,
    );
  }
  return new Set(roots.map((c) => caCertificateFingerprint(c.der)));
}
