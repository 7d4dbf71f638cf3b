/* What `signet log monitor` watches for in log entries (rekor-monitor's "monitored values" for a
   Signet instance): identities with their issuer, artifact digests, key or certificate
   fingerprints, and certificate extensions (OID and value). */
import { createHash, type KeyObject } from 'node:crypto';
import { fingerprintOf, parseCertificate, readFulcioExtensions } from '@app/signing';
import { certificateIdentity } from '../../cli/certificate';
import type { FieldMatcher } from '../../cli/config-fields';

/** An identity to watch: the certificate's SAN and OIDC issuer, each exact or an anchored regexp. */
export interface IdentityWatch {
  readonly subject: FieldMatcher;
  /** Absent: any issuer. */
  readonly issuer?: FieldMatcher;
}

/** An extension to watch: any value of `oid`, or one of `values`. */
export interface OidWatch {
  readonly oid: string;
  readonly values?: readonly string[];
}

/** Everything watched; empty lists watch nothing. */
export interface Watchlist {
  readonly identities: readonly IdentityWatch[];
  /** `sha256:<hex>`, lowercase. */
  readonly digests: readonly string[];
  /** Lowercase hex SHA-256 of a DER SPKI (a key) or of a DER certificate. */
  readonly fingerprints: readonly string[];
  readonly oids: readonly OidWatch[];
}

/** Who signed what, as one log entry says it. */
export interface EntryMaterial {
  /** Signing certificates, DER. */
  readonly certificates: readonly Uint8Array[];
  /** Keys that signed without a certificate. */
  readonly publicKeys: readonly KeyObject[];
  /** The digests the entry is about (`sha256:<hex>`): artifact, DSSE payload. */
  readonly digests: readonly string[];
}

/** One watched value found in an entry. */
export interface WatchMatch {
  readonly watch: 'identity' | 'digest' | 'fingerprint' | 'oid';
  /** The value matched (an identity, a digest, a fingerprint, `oid=value`). */
  readonly matched: string;
  readonly identity?: string;
  readonly issuer?: string;
}

/** The entries of two watchlists together. */
export function mergeWatchlists(a: Watchlist, b: Watchlist): Watchlist {
  return {
    identities: [...a.identities, ...b.identities],
    digests: [...a.digests, ...b.digests],
    fingerprints: [...a.fingerprints, ...b.fingerprints],
    oids: [...a.oids, ...b.oids],
  };
}

/** Whether the watchlist watches anything. */
export const watchesAnything = (w: Watchlist): boolean =>
  w.identities.length + w.digests.length + w.fingerprints.length + w.oids.length > 0;

const matches = (matcher: FieldMatcher, value: string | undefined): boolean =>
  value !== undefined && matcher.matches(value);

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The watched values `material` holds, each once. A certificate matches an identity by its SAN
 * (URI, else email, as verifiers pick it) and OIDC issuer, a fingerprint by its own SHA-256 or its
 * key's, an OID by its Fulcio extensions. A certificate that cannot be parsed matches by its
 * fingerprint only.
 */
export function matchMaterial(list: Watchlist, material: EntryMaterial): WatchMatch[] {
  const found = new Map<string, WatchMatch>();
  const add = (m: WatchMatch) => found.set(`${m.watch} ${m.matched}`, m);
  const fingerprints = new Set(list.fingerprints);
  for (const der of material.certificates) {
    const certFingerprint = sha256Hex(der);
    if (fingerprints.has(certFingerprint)) {
      add({ watch: 'fingerprint', matched: certFingerprint });
    }
    let parsed;
    try {
      parsed = parseCertificate(der);
    } catch {
      continue;
    }
    const keyFingerprint = fingerprintOf(parsed.publicKey);
    if (fingerprints.has(keyFingerprint)) add({ watch: 'fingerprint', matched: keyFingerprint });
    let who: { identity?: string; issuer?: string } = {};
    let extensions: Record<string, string> = {};
    try {
      const read = certificateIdentity(der);
      who = {
        ...(read.subjectAlternativeName !== undefined && { identity: read.subjectAlternativeName }),
        ...(read.issuer !== undefined && { issuer: read.issuer }),
      };
      extensions = readFulcioExtensions(parsed);
    } catch {
      // A malformed SAN or extension names nobody: only the fingerprints above can match.
    }
    for (const w of list.identities) {
      if (
        matches(w.subject, who.identity) &&
        (w.issuer === undefined || matches(w.issuer, who.issuer))
      ) {
        add({ watch: 'identity', matched: who.identity!, ...who });
      }
    }
    for (const w of list.oids) {
      const value = extensions[w.oid];
      if (value !== undefined && (w.values === undefined || w.values.includes(value))) {
        add({ watch: 'oid', matched: `${w.oid}=${value}`, ...who });
      }
    }
  }
  for (const key of material.publicKeys) {
    const fingerprint = fingerprintOf(key);
    if (fingerprints.has(fingerprint)) add({ watch: 'fingerprint', matched: fingerprint });
  }
  const digests = new Set(list.digests);
  for (const digest of material.digests) {
    if (digests.has(digest)) add({ watch: 'digest', matched: digest });
  }
  return [...found.values()];
}
