import { createHash } from 'node:crypto';
import {
  decodePolicyExtension,
  encodePolicyExtension,
  POLICY_EXTENSION_OID,
  policyDigest,
  type PolicySnapshot,
  policySnapshotBytes,
  policyStatementBytes,
} from './policy-version';
import { decodeOid, encodeOid, encodeUtf8String } from './x509/der';

const snapshot: PolicySnapshot = {
  version: 2,
  previous: 'ab'.repeat(32),
  createdAt: '2026-12-02T10:00:00.000Z',
  actor: { kind: 'session', issuer: 'https://idp.example', subject: 'u1', display: 'Ada' },
  reason: 'release rule',
  issuers: [{ url: 'https://idp.example', audience: 'sigstore', type: 'email' }],
  rules: [
    {
      id: 'r-1',
      name: 'release',
      issuer: 'https://idp.example',
      subject: '*@example.com',
      claims: {},
    },
  ],
  limits: { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 3600 },
};

describe('policy versions', () => {
  it('hashes the JCS bytes of the snapshot: keys sorted, no whitespace', () => {
    const bytes = policySnapshotBytes(snapshot);
    const text = Buffer.from(bytes).toString();
    expect(text.startsWith('{"actor":{"display":"Ada","issuer":"https://idp.example"')).toBe(true);
    expect(text).not.toMatch(/\s"|":\s/);
    expect(policyDigest(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    // Key order of the input does not matter.
    const reordered = JSON.parse(JSON.stringify({ ...snapshot, version: 2 })) as PolicySnapshot;
    expect(policySnapshotBytes(reordered)).toEqual(bytes);
  });

  it('logs an in-toto Statement v1 naming the digest, the version and the previous digest', () => {
    const digest = policyDigest(policySnapshotBytes(snapshot));
    const statement = JSON.parse(
      Buffer.from(policyStatementBytes(snapshot, digest)).toString(),
    ) as Record<string, unknown>;
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'signet-policy/v2', digest: { sha256: digest } }],
      predicateType: 'https://signet.dev/policy-version/v1',
      predicate: { version: 2, previous: 'ab'.repeat(32) },
    });
  });

  it('round-trips the certificate extension, under a 2.25 UUID OID the DER reader accepts', () => {
    const reference = { version: 7, digest: 'cd'.repeat(32), rule: 'release', ruleId: 'r-1' };
    expect(decodePolicyExtension(encodePolicyExtension(reference))).toEqual(reference);
    const oid = encodeOid(POLICY_EXTENSION_OID);
    expect(decodeOid(oid.subarray(2))).toBe(POLICY_EXTENSION_OID);
  });

  it.each([
    ['not JSON', encodeUtf8String('v7'), 'not a UTF8String of JSON'],
    [
      'a version of 0',
      encodeUtf8String('{"version":0,"digest":"' + 'a'.repeat(64) + '","rule":"r","ruleId":"i"}'),
      'version must be a positive integer',
    ],
    [
      'a short digest',
      encodeUtf8String('{"version":1,"digest":"abc","rule":"r","ruleId":"i"}'),
      'digest must be 64 lowercase hex digits',
    ],
    [
      'no rule',
      encodeUtf8String('{"version":1,"digest":"' + 'a'.repeat(64) + '","ruleId":"i"}'),
      'rule must be a non-empty string',
    ],
  ])('refuses an extension with %s', (_, value, message) => {
    expect(() => decodePolicyExtension(value)).toThrow(
      `policy extension ${POLICY_EXTENSION_OID}: ${message}`,
    );
  });
});
