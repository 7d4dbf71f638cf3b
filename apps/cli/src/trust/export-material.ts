/* What of an instance's trusted root can be handed to an admission verifier (policy-controller,
   Kyverno, containers/image): CA chains, log keys and timestamp authorities as PEM, without the
   validity windows those verifiers cannot express, and with the key types named. */
import { createHash, createPublicKey } from 'node:crypto';
import type { TimeRange, TrustedRoot } from '@sigstore/protobuf-specs';
import { certificatesToPem, type ParsedCertificate, parseCertificate } from '@app/signing';
import { CliError, ExitCode } from '../cli/exit-codes';

/** A CA or timestamp authority: its chain as PEM, the issuing certificate first, the root last. */
export interface ExportedAuthority {
  subject: { organization: string; commonName: string };
  uri: string;
  chainPem: string;
}

/** A transparency or CT log key. */
export interface ExportedLogKey {
  baseUrl: string;
  publicKeyPem: string;
  /** `ECDSA P-256`, `ECDSA P-384`, `RSA 3072`, `Ed25519`, … */
  type: string;
}

/** The parts of a trusted root a verifier without validity windows can be given. */
export interface ExportableTrust {
  authorities: ExportedAuthority[];
  timestampAuthorities: ExportedAuthority[];
  tlogs: ExportedLogKey[];
  ctlogs: ExportedLogKey[];
  /** Entries left out, each with why (for status lines). */
  leftOut: string[];
}

/**
 * The CA chains, log keys and timestamp authorities of `root` that can be trusted without an end
 * date: none of the target formats carries `validFor`, so whatever they list is trusted for ever.
 * A CA or TSA whose `validFor` ends is kept only when its certificates expire by then (chain
 * validation at signing time then enforces the end); a log key is kept when any of its entries
 * is open-ended. A log key whose log ID is not the SHA-256 of its DER key is left out: these
 * verifiers derive the ID from the key (RFC 6962 §3.2). Throws exit 2 when no CA is left.
 */
export function exportableTrust(root: TrustedRoot): ExportableTrust {
  const leftOut: string[] = [];
  const authorities = (list: TrustedRoot['certificateAuthorities'], what: string) =>
    list.flatMap((ca) => {
      const der = (ca.certChain?.certificates ?? []).map((c) => c.rawBytes);
      let certificates: ParsedCertificate[];
      try {
        certificates = der.map((d) => parseCertificate(d));
      } catch (err) {
        leftOut.push(`${what} of ${ca.uri}: ${(err as Error).message}`);
        return [];
      }
      if (certificates.length === 0) return [];
      const expires = Math.min(...certificates.map((c) => c.notAfter.getTime()));
      const end = ca.validFor?.end;
      if (end !== undefined && end.getTime() < expires) {
        leftOut.push(
          `${what} ${certificates[0]!.subjectName} (${ca.uri}): its validFor ends at ${end.toISOString()}, before its certificates expire, and the export cannot say so`,
        );
        return [];
      }
      const rootName = certificates[certificates.length - 1]!;
      const host = new URL(ca.uri).hostname;
      return [
        {
          subject: {
            organization: ca.subject?.organization || nameOf(rootName.subjectName, 'O') || host,
            commonName: ca.subject?.commonName || nameOf(rootName.subjectName, 'CN') || host,
          },
          uri: ca.uri,
          chainPem: certificatesToPem(der),
        },
      ];
    });
  const result = {
    authorities: authorities(root.certificateAuthorities, 'CA'),
    timestampAuthorities: authorities(root.timestampAuthorities, 'timestamp authority'),
    tlogs: logKeys(root.tlogs, 'transparency log key', leftOut),
    ctlogs: logKeys(root.ctlogs, 'CT log key', leftOut),
    leftOut,
  };
  if (result.authorities.length === 0) {
    throw new CliError(
      ExitCode.error,
      `the trusted root has no CA chain that can be exported (${leftOut.join('; ') || 'none listed'})`,
      { code: 'UNSUPPORTED_BY_VERIFIER' },
    );
  }
  return result;
}

/** One entry per distinct key, open-ended keys only, in the trusted root's order. */
function logKeys(logs: TrustedRoot['tlogs'], what: string, leftOut: string[]): ExportedLogKey[] {
  const keys = new Map<string, ExportedLogKey & { open: boolean; ends: TimeRange['end'] }>();
  for (const log of logs) {
    const raw = Buffer.from(log.publicKey?.rawBytes ?? []);
    const id = Buffer.from(log.logId?.keyId ?? []);
    if (!id.equals(createHash('sha256').update(raw).digest())) {
      leftOut.push(`${what} of ${log.baseUrl}: its log ID is not the SHA-256 of its key`);
      continue;
    }
    const type = keyType(raw);
    if (type === undefined) {
      leftOut.push(`${what} of ${log.baseUrl}: not a readable public key`);
      continue;
    }
    const open = log.publicKey?.validFor?.end === undefined;
    const hex = raw.toString('hex');
    const seen = keys.get(hex);
    if (seen === undefined) {
      keys.set(hex, {
        baseUrl: log.baseUrl,
        publicKeyPem: pem('PUBLIC KEY', raw),
        type,
        open,
        ends: log.publicKey?.validFor?.end,
      });
    } else if (open && !seen.open) {
      keys.set(hex, { ...seen, baseUrl: log.baseUrl, open });
    }
  }
  return [...keys.values()].flatMap(({ open, ends, ...key }) => {
    if (open) return [key];
    leftOut.push(
      `${what} of ${key.baseUrl}: its validFor ended at ${ends?.toISOString()}, and the export cannot say so`,
    );
    return [];
  });
}

const CURVES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** `ECDSA P-256`, `RSA 2048`, `Ed25519`, …; undefined for bytes that are no SPKI public key. */
export function keyType(spki: Uint8Array): string | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    const details = key.asymmetricKeyDetails ?? {};
    const type = key.asymmetricKeyType;
    if (type === 'ec') return `ECDSA ${CURVES[details.namedCurve ?? ''] ?? details.namedCurve}`;
    if (type === 'rsa') return `RSA ${details.modulusLength}`;
    if (type === 'ed25519') return 'Ed25519';
    return type ?? 'unknown';
  } catch {
    return undefined;
  }
}

function pem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function nameOf(dn: string, attribute: string): string {
  return new RegExp(`(?:^|, )${attribute}=([^,]*)`).exec(dn)?.[1] ?? '';
}

/**
 * The keys of `keys` whose type `accepts`, for `verifier` checking `purpose`; the others are
 * noted in `leftOut`. Throws exit 2 (`UNSUPPORTED_BY_VERIFIER`) naming the types found and why
 * when none is left: an export that cannot verify anything must not be written.
 */
function usableKeys(
  keys: readonly ExportedLogKey[],
  accepts: (type: string) => boolean,
  verifier: string,
  purpose: string,
  leftOut: string[],
): ExportedLogKey[] {
  const usable = keys.filter((k) => accepts(k.type));
  for (const k of keys.filter((k) => !accepts(k.type))) {
    leftOut.push(`${k.type} key of ${k.baseUrl}: ${verifier} ${purpose}`);
  }
  if (usable.length === 0) {
    const found = keys.map((k) => `${k.type} (${k.baseUrl})`).join(', ') || 'none';
    throw new CliError(
      ExitCode.error,
      `${verifier} cannot verify signatures of this instance: it ${purpose}, and the trusted root has ${found}`,
      { code: 'UNSUPPORTED_BY_VERIFIER' },
    );
  }
  return usable;
}

/**
 * The transparency-log keys a verifier of legacy `.sig` signatures can check SETs with: ECDSA
 * P-256 only. cosign (`VerifySET`, which refuses any other Rekor key type) and containers/image
 * (`rekorPublicKeys []*ecdsa.PublicKey`) verify the SET as ECDSA over SHA-256, while Signet signs
 * SETs with a P-384 key over SHA-384. When some of them are at `logUrl` (the instance's Rekor v1
 * API, where legacy signatures get their SETs), only those: a Rekor v2 shard writes no SETs.
 * Throws exit 2 when there is none.
 */
export function setKeys(
  trust: ExportableTrust,
  verifier: string,
  leftOut: string[],
  logUrl?: string,
): ExportedLogKey[] {
  const keys = usableKeys(
    trust.tlogs,
    (t) => t === 'ECDSA P-256',
    verifier,
    'checks the signed entry timestamps of legacy image signatures with ECDSA P-256 keys only (LOG_KEY)',
    leftOut,
  );
  const atLog = (k: ExportedLogKey) =>
    logUrl !== undefined && k.baseUrl.replace(/\/+$/, '') === logUrl.replace(/\/+$/, '');
  if (!keys.some(atLog)) return keys;
  for (const k of keys.filter((k) => !atLog(k))) {
    leftOut.push(`${k.type} key of ${k.baseUrl}: legacy signatures get their SETs from ${logUrl}`);
  }
  return keys.filter(atLog);
}

/**
 * The CT log keys cosign can check SCTs with (certificate-transparency-go: ECDSA or RSA).
 * Throws exit 2 when there is none.
 */
export function sctKeys(trust: ExportableTrust, verifier: string, leftOut: string[]) {
  return usableKeys(
    trust.ctlogs,
    (t) => t.startsWith('ECDSA ') || t.startsWith('RSA '),
    verifier,
    "checks the certificates' SCTs with ECDSA or RSA CT log keys only",
    leftOut,
  );
}
