import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TimeStampReq } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import fc from 'fast-check';
import {
  domainError,
  fuzz,
  keepsContract,
  mutatedBytes,
  mutatedJson,
  PROTOTYPE_NAMES,
  hostileString,
  anyJson,
  mutatedBase64,
} from '@app/testing/fuzz';
import {
  parseTimestampQuery,
  type TimestampRequest,
  timestampRequestFromJson,
  TimestampRequestError,
  TSA_HASHES,
} from './request';

const POLICY = '1.3.6.1.4.1.57264.2';
const refused = domainError(TimestampRequestError);
/** A parsed request must be one the TSA can sign: a known hash and a digest of its length. */
function wellFormed(request: TimestampRequest): void {
  const hash = Object.hasOwn(TSA_HASHES, request.hashAlgorithm)
    ? TSA_HASHES[request.hashAlgorithm]
    : undefined;
  if (hash?.length !== request.hashedMessage.length) {
    throw new Error(`parsed an unusable request: ${request.hashAlgorithm}`);
  }
}
const digest = (algorithm: string) => createHash(algorithm).update('artifact').digest();

/** A DER TimeStampReq for `algorithm` with a nonce, as openssl ts -query makes it. */
function query(algorithm: 'sha256' | 'sha384' | 'sha512', oid: string): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(
      new TimeStampReq({
        messageImprint: new MessageImprint({
          hashAlgorithm: new AlgorithmIdentifier({ algorithm: oid }),
          hashedMessage: new OctetString(digest(algorithm)),
        }),
        nonce: new Uint8Array([0x01, 0x23, 0x45, 0x67, 0x89]).buffer,
        certReq: true,
      }),
    ),
  );
}

/**
 * The TSA's two request forms are read straight from the client: a DER query or sigstore's JSON.
 * Each input either parses into a request or is a `TimestampRequestError` naming the field (a
 * 400), within the budget; a parsed request keeps the digest it was sent.
 */
describe('timestamp requests on hostile input', () => {
  const ders = [
    query('sha256', '2.16.840.1.101.3.4.2.1'),
    query('sha384', '2.16.840.1.101.3.4.2.2'),
    query('sha512', '2.16.840.1.101.3.4.2.3'),
  ];
  const jsons = (['sha256', 'sha384', 'sha512'] as const).map((hashAlgorithm) => ({
    artifactHash: digest(hashAlgorithm).toString('base64'),
    hashAlgorithm,
    nonce: 1234567,
    certificates: true,
  }));

  it('round-trips the valid requests', () => {
    for (const [i, der] of ders.entries()) {
      const fromDer = parseTimestampQuery(der, POLICY);
      const fromJson = timestampRequestFromJson(jsons[i], POLICY);
      expect(Buffer.from(fromDer.hashedMessage)).toEqual(digest(fromDer.hashAlgorithm));
      expect(fromJson.hashAlgorithm).toBe(fromDer.hashAlgorithm);
      expect(fromJson.messageImprint).toEqual(fromDer.messageImprint);
    }
  });

  it('refuses a prototype property as hashAlgorithm (seed 666518935)', () => {
    // Found by the field property (FUZZ_SEED=666518935, path 1266:4:4): `"toString" in
    // TSA_HASHES` is true, and Function.prototype.toString's length 0 matched an empty
    // artifactHash, so a request for hash "toString" was returned and signing it was a 500.
    expect(() =>
      timestampRequestFromJson({ artifactHash: '', hashAlgorithm: 'toString' }, POLICY),
    ).toThrow(new TimestampRequestError('hashAlgorithm', 'must be sha256, sha384 or sha512'));
    for (const hashAlgorithm of PROTOTYPE_NAMES) {
      for (const artifactHash of ['', 'AA==', jsons[0]!.artifactHash]) {
        expect(() => timestampRequestFromJson({ artifactHash, hashAlgorithm }, POLICY)).toThrow(
          new TimestampRequestError('hashAlgorithm', 'must be sha256, sha384 or sha512'),
        );
      }
    }
  });

  it('answers every mutated DER query with a request or a TimestampRequestError', () => {
    fuzz(
      fc.property(mutatedBytes(...ders), (der) =>
        keepsContract(() => wellFormed(parseTimestampQuery(der, POLICY)), refused),
      ),
    );
  });

  it('answers every request built of valid and hostile fields with a request or the error', () => {
    const field = <T>(...valid: T[]) => fc.oneof(fc.constantFrom(...valid), hostileString, anyJson);
    fuzz(
      fc.property(
        fc.record(
          {
            artifactHash: fc.oneof(
              field(...jsons.map((j) => j.artifactHash)),
              mutatedBase64(...(['sha256', 'sha512'] as const).map(digest)),
            ),
            hashAlgorithm: field('sha256', 'sha384', 'sha512', 'sha1'),
            nonce: field(0, 1, 2 ** 53 - 1),
            certificates: field(true, false),
            tsaPolicyOID: field(POLICY),
          },
          { requiredKeys: [] },
        ),
        (body) => keepsContract(() => wellFormed(timestampRequestFromJson(body, POLICY)), refused),
      ),
    );
  });

  it('answers every mutated JSON request with a request or a TimestampRequestError', () => {
    fuzz(
      fc.property(mutatedJson(...jsons), (body) =>
        keepsContract(() => wellFormed(timestampRequestFromJson(body, POLICY)), refused),
      ),
    );
  });
});
