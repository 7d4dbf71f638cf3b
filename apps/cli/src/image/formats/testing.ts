/* Test helper: an offline stand-in for a Signet instance that sigstore-js signs through and
   @sigstore/verify verifies against — a test PKI whose leaves carry an SCT from a test CT log
   (as the CA issues them), and a Rekor v1 witness that logs hashedrekord/dsse 0.0.1 entries with
   a SET (as the artifact log answers). Not built. */
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { envelopeToJSON, type InclusionProof, type TransparencyLogEntry } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { Signer as SigstoreSigner, Witness } from '@sigstore/sign';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import {
  buildLeaf,
  canonicalJsonBytes,
  certificatesToPem,
  ctLogId,
  FulcioOid,
  logIdOf,
  precertEntry,
  publicKeyToDer,
  rekorCheckpointOrigin,
  rekorKeyName,
  signCheckpoint,
  signEntryTimestamp,
  signSct,
  type JsonValue,
  type Signer,
} from '@app/signing';
import { testPki, testSigner, type TestPki } from '@app/signing/x509/testing';
import type { ImageSigning } from './image-signing';

export const TEST_LOG_URL = 'http://127.0.0.1:3000';
export const TEST_ISSUER = 'https://idp.example.com';

/** A CA with a CT log and an artifact log, and the trusted root naming them. */
export interface TestInstance {
  pki: TestPki;
  ctLog: Signer;
  log: Signer;
  trustedRoot: TrustedRoot;
  trustMaterial: TrustMaterial;
  /** Intermediate and root, DER: the legacy chain annotation. */
  chain: Uint8Array[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const keyDetails = { 'ecdsa-p256-sha256': 'PKIX_ECDSA_P256_SHA_256', ed25519: 'PKIX_ED25519' };

/** A fresh instance whose artifact log signs with `logKey` (P-256 unless told). */
export async function testInstance(
  logKey: 'ecdsa-p256-sha256' | 'ed25519' = 'ecdsa-p256-sha256',
): Promise<TestInstance> {
  const pki = await testPki();
  const ctLog = testSigner('ecdsa-p256-sha256');
  const log = testSigner(logKey);
  const validFor = { start: pki.notBefore.toISOString() };
  const trustedRoot = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: TEST_LOG_URL,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(publicKeyToDer(log.publicKey)),
          keyDetails: keyDetails[logKey],
          validFor,
        },
        logId: { keyId: b64(logIdOf(log.publicKey)) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'Signet', commonName: 'Signet Test Root' },
        uri: 'http://127.0.0.1:5555',
        certChain: {
          certificates: [{ rawBytes: b64(pki.intermediate) }, { rawBytes: b64(pki.root) }],
        },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: 'http://127.0.0.1:3000/ct',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: b64(publicKeyToDer(ctLog.publicKey)),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor,
        },
        logId: { keyId: b64(ctLogId(ctLog.publicKey)) },
      },
    ],
    timestampAuthorities: [],
  });
  return {
    pki,
    ctLog,
    log,
    trustedRoot,
    trustMaterial: toTrustMaterial(trustedRoot),
    chain: [pki.intermediate, pki.root],
  };
}

/**
 * A sigstore-js Signer that does what FulcioSigner gets from the CA: an ephemeral P-256 key and a
 * leaf for `email` (issuer {@link TEST_ISSUER}) with an embedded SCT.
 */
export function testCaSigner(instance: TestInstance, email = 'alice@example.com'): SigstoreSigner {
  return {
    sign: async (data) => {
      const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const now = new Date();
      const template = buildLeaf({
        issuer: instance.pki.intermediate,
        issuerSigner: instance.pki.intermediateSigner,
        subjectPublicKey: keys.publicKey,
        subjectAltName: { type: 'email', value: email },
        extensions: { [FulcioOid.issuerV2]: TEST_ISSUER, [FulcioOid.issuer]: TEST_ISSUER },
        notBefore: new Date(now.getTime() - 60_000),
        notAfter: new Date(now.getTime() + 600_000),
      });
      const entry = precertEntry(await template.precertificate(), instance.pki.intermediate);
      const sct = await signSct(instance.ctLog, { timestamp: BigInt(now.getTime()), entry });
      const certificate = certificatesToPem([await template.certificate([sct])]);
      return {
        signature: sign('sha256', data, keys.privateKey),
        key: { $case: 'x509Certificate', certificate },
      };
    },
  };
}

let nextIndex = 100;

/** A Rekor v1 witness: hashedrekord or dsse 0.0.1, canonical body, SET by the instance's log. */
export function testLogWitness(instance: TestInstance): Witness {
  return {
    testify: async (content, publicKey) => {
      const verifier = b64(Buffer.from(publicKey));
      const body: { apiVersion: string; kind: string; spec: JsonValue } =
        content.$case === 'messageSignature'
          ? {
              apiVersion: '0.0.1',
              kind: 'hashedrekord',
              spec: {
                data: {
                  hash: {
                    algorithm: 'sha256',
                    value: content.messageSignature.messageDigest.digest.toString('hex'),
                  },
                },
                signature: {
                  content: content.messageSignature.signature.toString('base64'),
                  publicKey: { content: verifier },
                },
              },
            }
          : {
              apiVersion: '0.0.1',
              kind: 'dsse',
              spec: {
                envelopeHash: {
                  algorithm: 'sha256',
                  value: sha256(JSON.stringify(envelopeToJSON(content.dsseEnvelope))),
                },
                payloadHash: { algorithm: 'sha256', value: sha256(content.dsseEnvelope.payload) },
                signatures: [
                  {
                    signature: content.dsseEnvelope.signatures[0]!.sig.toString('base64'),
                    verifier,
                  },
                ],
              },
            };
      const canonicalizedBody = Buffer.from(canonicalJsonBytes(body));
      const payload = {
        body: canonicalizedBody.toString('base64'),
        integratedTime: Math.floor(Date.now() / 1000),
        logID: Buffer.from(logIdOf(instance.log.publicKey)).toString('hex'),
        logIndex: nextIndex++,
      };
      const set = await signEntryTimestamp(instance.log, payload);
      const entry: TransparencyLogEntry = {
        logIndex: String(payload.logIndex),
        logId: { keyId: Buffer.from(logIdOf(instance.log.publicKey)) },
        kindVersion: { kind: body.kind, version: body.apiVersion },
        integratedTime: String(payload.integratedTime),
        inclusionPromise: { signedEntryTimestamp: Buffer.from(set) },
        inclusionProof: await oneLeafProof(instance.log, canonicalizedBody),
        canonicalizedBody,
      };
      return { tlogEntries: [entry] };
    },
  };
}

/** Signing through the test CA and log as `email`. */
export function testSigning(instance: TestInstance, email?: string): ImageSigning {
  return { signer: testCaSigner(instance, email), witnesses: [testLogWitness(instance)] };
}

/** Each entry in its own one-leaf tree: root = leaf hash, no proof hashes, a signed checkpoint. */
async function oneLeafProof(log: Signer, body: Buffer): Promise<InclusionProof> {
  const rootHash = createHash('sha256').update(Buffer.of(0)).update(body).digest();
  const envelope = await signCheckpoint(log, rekorKeyName(TEST_LOG_URL), {
    origin: rekorCheckpointOrigin(TEST_LOG_URL, 1n),
    treeSize: 1n,
    rootHash,
  });
  return { logIndex: '0', treeSize: '1', rootHash, hashes: [], checkpoint: { envelope } };
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export type { KeyObject };
