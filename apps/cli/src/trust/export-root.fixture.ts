/* Test fixture: trusted roots with real certificates and keys, shaped as the CA serves them. */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { testPki, type TestPki } from '@app/signing/x509/testing';

/** A log entry of the fixture: its key and, optionally, the end of its validity. */
export interface LogSpec {
  key: KeyObject;
  baseUrl?: string;
  end?: string;
  /** Another log ID than SHA-256 of the key. */
  logId?: Buffer;
}

export const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
export const p384 = () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
export const ed25519 = () => generateKeyPairSync('ed25519').publicKey;

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });

function log(spec: LogSpec, baseUrl: string) {
  const raw = spki(spec.key);
  return {
    baseUrl: spec.baseUrl ?? baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: raw.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256', // as labelled: the export reads the key itself
      validFor: { start: '2026-01-01T00:00:00Z', ...(spec.end ? { end: spec.end } : {}) },
    },
    logId: {
      keyId: (spec.logId ?? createHash('sha256').update(raw).digest()).toString('base64'),
    },
  };
}

function authority(pki: TestPki, uri: string, end?: string) {
  return {
    subject: { organization: 'Signet', commonName: 'Signet Test Root' },
    uri,
    certChain: {
      certificates: [pki.intermediate, pki.root].map((c) => ({
        rawBytes: Buffer.from(c).toString('base64'),
      })),
    },
    validFor: { start: '2026-01-01T00:00:00Z', ...(end ? { end } : {}) },
  };
}

/** A trusted root (JSON and parsed) with one CA per `pki` and the given logs. */
export async function fixtureRoot(
  options: {
    pkis?: { pki: TestPki; end?: string }[];
    tlogs?: LogSpec[];
    ctlogs?: LogSpec[];
  } = {},
) {
  const pkis = options.pkis ?? [{ pki: await testPki() }];
  const json = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: (options.tlogs ?? [{ key: p256() }]).map((l) => log(l, 'https://log.example.com')),
    certificateAuthorities: pkis.map(({ pki, end }) =>
      authority(pki, 'https://ca.example.com', end),
    ),
    ctlogs: (options.ctlogs ?? [{ key: p256() }]).map((l) => log(l, 'https://log.example.com/ct')),
    timestampAuthorities: [],
  };
  return { json, root: TrustedRoot.fromJSON(json), pkis };
}

/** PEM of `key`, as the export writes it. */
export const pemOf = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
