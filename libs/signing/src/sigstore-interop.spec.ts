// Checks by an implementation we did not write: sigstore-js (@sigstore/verify 3.x) verifies the
// checkpoints and SETs we sign, given a trusted root that names our log key, exactly as it does
// when it verifies a bundle (packages/verify/src/tlog/{checkpoint,merkle,set}.ts).
import { createHash, type KeyObject } from 'node:crypto';
import { TransparencyLogEntry, TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { verifyTLogInclusion } from '@sigstore/verify/dist/tlog';
import { verifyTLogSET } from '@sigstore/verify/dist/tlog/set';
import { rekorCheckpointOrigin, rekorKeyName, signCheckpoint } from './checkpoint';
import { fingerprintOf, generateKeyPair, logIdOf, publicKeyToDer } from './keys';
import { signEntryTimestamp } from './set';
import { KeyObjectSigner } from './signers/key-object';

const baseUrl = 'http://127.0.0.1:3000';
const integratedTime = 1767225600n;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const leafHash = (data: Buffer): Buffer =>
  createHash('sha256').update(Buffer.of(0)).update(data).digest();

// A two-leaf log whose second entry we prove: root = H(0x01 || leaf0 || leaf1), proof = [leaf0].
const bodies = [Buffer.from('{"entry":0}'), Buffer.from('{"entry":1}')] as const;
const rootHash = createHash('sha256')
  .update(Buffer.of(1))
  .update(leafHash(bodies[0]))
  .update(leafHash(bodies[1]))
  .digest();

const KEYS = [
  ['ecdsa-p256-sha256', 'PKIX_ECDSA_P256_SHA_256'],
  ['ed25519', 'PKIX_ED25519'],
] as const;

function trustedLogs(publicKey: KeyObject, keyDetails: string) {
  const root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(publicKeyToDer(publicKey)),
          keyDetails,
          validFor: { start: '2020-01-01T00:00:00Z' },
        },
        logId: { keyId: b64(logIdOf(publicKey)) },
      },
    ],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
  return toTrustMaterial(root).tlogs;
}

// Builds the bundle's TransparencyLogEntry from its JSON form; the verify functions take the
// stricter @sigstore/bundle type, which this is at run time.
function entry(
  publicKey: KeyObject,
  fields: { logIndex: string; checkpoint?: string; set?: Uint8Array },
): never {
  return TransparencyLogEntry.fromJSON({
    logIndex: fields.logIndex,
    logId: { keyId: b64(logIdOf(publicKey)) },
    kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
    integratedTime: integratedTime.toString(),
    inclusionPromise: fields.set && { signedEntryTimestamp: b64(fields.set) },
    inclusionProof: fields.checkpoint && {
      logIndex: '1',
      rootHash: b64(rootHash),
      treeSize: '2',
      hashes: [b64(leafHash(bodies[0]))],
      checkpoint: { envelope: fields.checkpoint },
    },
    canonicalizedBody: b64(bodies[1]),
  }) as never;
}

const checkpointBy = (privateKey: KeyObject): Promise<string> =>
  signCheckpoint(new KeyObjectSigner(privateKey), rekorKeyName(baseUrl), {
    origin: rekorCheckpointOrigin(baseUrl, 42n),
    treeSize: 2n,
    rootHash,
  });

describe('sigstore-js verifyTLogInclusion on our checkpoints', () => {
  it.each(KEYS)(
    'accepts a %s checkpoint in the Rekor form, with the Merkle proof',
    async (algorithm, keyDetails) => {
      const { privateKey, publicKey } = generateKeyPair(algorithm);
      const checkpoint = await checkpointBy(privateKey);
      expect(() =>
        verifyTLogInclusion(
          entry(publicKey, { logIndex: '41', checkpoint }),
          trustedLogs(publicKey, keyDetails),
        ),
      ).not.toThrow();
    },
  );

  it('rejects a checkpoint signed by another key (so the check above is real)', async () => {
    const trusted = generateKeyPair('ecdsa-p256-sha256');
    const checkpoint = await checkpointBy(generateKeyPair('ecdsa-p256-sha256').privateKey);
    expect(() =>
      verifyTLogInclusion(
        entry(trusted.publicKey, { logIndex: '41', checkpoint }),
        trustedLogs(trusted.publicKey, KEYS[0][1]),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'TLOG_INCLUSION_PROOF_ERROR',
        message: 'invalid checkpoint signature',
      }),
    );
  });
});

describe('sigstore-js verifyTLogSET on our SETs', () => {
  it.each(KEYS)('accepts a %s SET, and only for its own index', async (algorithm, keyDetails) => {
    const { privateKey, publicKey } = generateKeyPair(algorithm);
    const set = await signEntryTimestamp(new KeyObjectSigner(privateKey), {
      body: b64(bodies[1]),
      integratedTime,
      logID: fingerprintOf(publicKey),
      logIndex: 100005n,
    });
    const logs = trustedLogs(publicKey, keyDetails);
    expect(() => verifyTLogSET(entry(publicKey, { logIndex: '100005', set }), logs)).not.toThrow();
    expect(() => verifyTLogSET(entry(publicKey, { logIndex: '100006', set }), logs)).toThrow(
      expect.objectContaining({
        code: 'TLOG_INCLUSION_PROMISE_ERROR',
        message: 'inclusion promise could not be verified',
      }),
    );
  });
});
