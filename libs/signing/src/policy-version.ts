import { createHash } from 'node:crypto';
import { decodeUtf8String, encodeUtf8String } from './x509/der';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse';
import { SigningError } from './errors';
import { canonicalJson, canonicalJsonBytes, type JsonValue } from './jcs';

/*
 * A policy version of a Signet CA: its IAM rules and OIDC issuers (SCITT's "registration policy"
 * and "trust anchors"), committed to the instance's transparency log before it takes effect, and
 * named by every certificate issued under it. Shared by the CA, which writes them, and `signet
 * admin audit`, which checks them from the logs.
 */

/** Who made a policy version. */
export interface PolicyActor {
  /** `session`: an admin signed in; `token`: an API token; `file`: SIGNET_CONFIG at boot. */
  readonly kind: 'session' | 'token' | 'file';
  readonly issuer?: string;
  readonly subject?: string;
  readonly display?: string;
  readonly tokenId?: string;
}

/** The content of one policy version, exactly as its canonical JSON (JCS) is hashed and logged. */
export interface PolicySnapshot {
  /** 1, 2, 3… with no gap. */
  readonly version: number;
  /** SHA-256 (hex) of the previous version's snapshot bytes; null for version 1. */
  readonly previous: string | null;
  /** RFC 3339, UTC. */
  readonly createdAt: string;
  readonly actor: PolicyActor;
  readonly reason: string;
  /** The OIDC issuers, as in SIGNET_CONFIG `issuers:`. */
  readonly issuers: readonly JsonValue[];
  /** The IAM rules in evaluation order, each with its stable `id`, as in SIGNET_CONFIG `rules:`. */
  readonly rules: readonly JsonValue[];
  readonly limits: { readonly defaultLifetimeSeconds: number; readonly maxLifetimeSeconds: number };
}

/** The in-toto predicate type of a policy-version statement. */
export const POLICY_PREDICATE_TYPE = 'https://signet.dev/policy-version/v1';

/**
 * The certificate extension naming the policy version a certificate was issued under: an OID in
 * the `2.25` UUID arc (ITU-T X.667, no registration needed), `.1` under Signet's UUID
 * ea559e4e-5665-41a0-98a9-d4be59c2fe47. Non-critical: Sigstore verifiers ignore it.
 */
export const POLICY_EXTENSION_OID = '2.25.311483907073897949953179009512003272263.1';

/** What a certificate says about the policy it was issued under. */
export interface PolicyReference {
  readonly version: number;
  /** Snapshot digest, hex. */
  readonly digest: string;
  /** The rule that allowed the certificate. */
  readonly rule: string;
  readonly ruleId: string;
}

/** The bytes of `snapshot` that are hashed, logged and stored: its JCS. */
export function policySnapshotBytes(snapshot: PolicySnapshot): Uint8Array {
  return canonicalJsonBytes(snapshot as unknown as JsonValue);
}

/** SHA-256 of `bytes`, lowercase hex. */
export function policyDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The name of a policy version in its statement's subject. */
export function policySubjectName(version: number): string {
  return `signet-policy/v${version}`;
}

/**
 * The in-toto Statement (v1) a policy version is logged as: its snapshot digest as the subject,
 * version and previous digest as the predicate. JCS bytes, so anyone holding the snapshot can
 * rebuild it and compare its hash with the log entry's `payloadHash`.
 */
export function policyStatementBytes(snapshot: PolicySnapshot, digest: string): Uint8Array {
  return policyStatementOf(snapshot.version, snapshot.previous, digest);
}

/**
 * The statement of {@link policyStatementBytes} from the version number, the previous digest and
 * the digest alone: how a log monitor that knows only the digests rebuilds what the log holds.
 */
export function policyStatementOf(
  version: number,
  previous: string | null,
  digest: string,
): Uint8Array {
  return canonicalJsonBytes({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: policySubjectName(version), digest: { sha256: digest } }],
    predicateType: POLICY_PREDICATE_TYPE,
    predicate: { version, previous },
  });
}

/** The DSSE payload type of {@link policyStatementBytes}. */
export const POLICY_STATEMENT_PAYLOAD_TYPE = IN_TOTO_PAYLOAD_TYPE;

/** The DER value (a UTF8String of JCS) of the {@link POLICY_EXTENSION_OID} extension. */
export function encodePolicyExtension(reference: PolicyReference): Uint8Array {
  return encodeUtf8String(
    canonicalJson({
      version: reference.version,
      digest: reference.digest,
      rule: reference.rule,
      ruleId: reference.ruleId,
    }),
  );
}

/**
 * Reads a {@link POLICY_EXTENSION_OID} extension value.
 *
 * @throws SigningError `INVALID_CERTIFICATE` naming what is malformed.
 */
export function decodePolicyExtension(value: Uint8Array): PolicyReference {
  const bad = (what: string): never => {
    throw new SigningError(
      'INVALID_CERTIFICATE',
      `policy extension ${POLICY_EXTENSION_OID}: ${what}`,
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeUtf8String(value));
  } catch {
    return bad('not a UTF8String of JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) return bad('not a JSON object');
  const { version, digest, rule, ruleId } = parsed as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    return bad('version must be a positive integer');
  }
  if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) {
    return bad('digest must be 64 lowercase hex digits');
  }
  if (typeof rule !== 'string' || rule === '') return bad('rule must be a non-empty string');
  if (typeof ruleId !== 'string' || ruleId === '') return bad('ruleId must be a non-empty string');
  return { version, digest, rule, ruleId };
}
