import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TimeStampReq } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { buildRootCertificate, buildTimestampingCertificate } from '../x509/ca';
import { parseCertificate } from '../x509/parse';
import { certificatesToPem } from '../x509/pem';
import { testSigner } from '../x509/testing';
import { parseTimestampQuery, timestampRequestFromJson, TimestampRequestError } from './request';
import { issueTimestamp, type TimestampAuthority } from './token';
import { opensslTsVerify } from '@app/testing/openssl-ts';

const POLICY = '1.3.6.1.4.1.57264.2';
const NOW = new Date('2026-12-02T12:00:00.750Z');

async function testTsa(
  algorithm: 'ecdsa-p256-sha256' | 'ecdsa-p384-sha384',
): Promise<TimestampAuthority> {
  const rootSigner = testSigner('ecdsa-p384-sha384');
  const signer = testSigner(algorithm);
  const notBefore = new Date(NOW.getTime() - 86_400_000);
  const notAfter = new Date(NOW.getTime() + 86_400_000);
  const root = await buildRootCertificate({
    signer: rootSigner,
    subject: { organization: 'Signet', commonName: 'Signet Test TSA Root' },
    notBefore,
    notAfter,
  });
  const leaf = await buildTimestampingCertificate({
    issuer: root,
    issuerSigner: rootSigner,
    subject: { organization: 'Signet', commonName: 'Signet Test TSA' },
    subjectPublicKey: signer.publicKey,
    notBefore,
    notAfter,
  });
  return { signer, chain: [parseCertificate(leaf), parseCertificate(root)], policy: POLICY };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

describe('RFC 3161 timestamps', () => {
  let tsa: TimestampAuthority;
  beforeAll(async () => {
    tsa = await testTsa('ecdsa-p256-sha256');
  });

  it('issues a token sigstore-js verifies: imprint, message digest, signer by issuer and serial, ECDSA', async () => {
    const signature = randomBytes(71);
    const request = timestampRequestFromJson(
      { artifactHash: sha256(signature).toString('base64'), hashAlgorithm: 'sha256' },
      POLICY,
    );
    const response = Buffer.from(await issueTimestamp(tsa, request, NOW));
    const token = RFC3161Timestamp.parse(response);
    expect(token.status).toBe(0n);
    expect(token.signingTime).toEqual(new Date('2026-12-02T12:00:00Z'));
    expect(BigInt(`0x${token.signerSerialNumber.toString('hex')}`)).toBe(
      tsa.chain[0]!.serialNumber,
    );
    // As sigstore-js matches a token to its TSA: the sid's issuer against the leaf's.
    const leaf = X509Certificate.parse(Buffer.from(tsa.chain[0]!.der));
    expect(token.signerIssuer.equals(leaf.issuer)).toBe(true);
    expect(() => token.verify(signature, tsa.chain[0]!.publicKey)).not.toThrow();
    expect(() => token.verify(randomBytes(71), tsa.chain[0]!.publicKey)).toThrow(
      'message imprint does not match artifact',
    );
    expect(() => token.verify(signature, tsa.chain[1]!.publicKey)).toThrow();
  });

  it.each(['ecdsa-p256-sha256', 'ecdsa-p384-sha384'] as const)(
    'is accepted by openssl ts -verify, for a DER query with a nonce and certReq (%s)',
    async (algorithm) => {
      const authority = await testTsa(algorithm);
      const dir = mkdtempSync(join(tmpdir(), 'signet-tsa-'));
      try {
        const data = randomBytes(100);
        writeFileSync(join(dir, 'data'), data);
        execFileSync('openssl', [
          'ts',
          '-query',
          '-data',
          join(dir, 'data'),
          '-sha256',
          '-cert',
          '-out',
          join(dir, 'query.tsq'),
        ]);
        const query = execFileSync('cat', [join(dir, 'query.tsq')]);
        const request = parseTimestampQuery(new Uint8Array(query), POLICY);
        expect(request.certReq).toBe(true);
        expect(request.nonce).toBeDefined();
        const reply = await issueTimestamp(authority, request, NOW);
        const chain = {
          rootPem: certificatesToPem([authority.chain[1]!.der]),
          leafPem: certificatesToPem([authority.chain[0]!.der]),
        };
        const verify = (...args: string[]) =>
          opensslTsVerify(
            dir,
            reply,
            chain,
            '-attime',
            String((NOW.getTime() / 1000) | 0),
            ...args,
          );
        expect(verify('-queryfile', join(dir, 'query.tsq'))).toContain('Verification: OK');
        expect(verify('-data', join(dir, 'data'))).toContain('Verification: OK');
        writeFileSync(join(dir, 'other'), randomBytes(100));
        expect(() => verify('-data', join(dir, 'other'))).toThrow(/message imprint mismatch/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  describe('refuses bad requests, naming the field', () => {
    const der = (params: Partial<TimeStampReq>, hash = '2.16.840.1.101.3.4.2.1', length = 32) =>
      new Uint8Array(
        AsnConvert.serialize(
          new TimeStampReq({
            version: 1,
            messageImprint: new MessageImprint({
              hashAlgorithm: new AlgorithmIdentifier({ algorithm: hash }),
              hashedMessage: new OctetString(new Uint8Array(length)),
            }),
            certReq: false,
            ...params,
          }),
        ),
      );
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(TimestampRequestError);
        return (err as Error).message;
      }
      return 'accepted';
    };

    it.each([
      [
        'SHA-1',
        () => parseTimestampQuery(der({}, '1.3.14.3.2.26', 20), POLICY),
        'messageImprint.hashAlgorithm: SHA-1 is not accepted; use SHA-256, SHA-384 or SHA-512',
      ],
      [
        'a short digest',
        () => parseTimestampQuery(der({}, '2.16.840.1.101.3.4.2.1', 20), POLICY),
        'messageImprint.hashedMessage: is 20 bytes; a sha256 digest is 32',
      ],
      [
        'another policy',
        () => parseTimestampQuery(der({ reqPolicy: '1.2.3.4' }), POLICY),
        `reqPolicy: 1.2.3.4 is not this TSA's policy (${POLICY})`,
      ],
      [
        'trailing bytes',
        () => parseTimestampQuery(Buffer.concat([der({}), Buffer.of(0)]), POLICY),
        'TimeStampReq: is not a single DER TimeStampReq',
      ],
      [
        'garbage',
        () => parseTimestampQuery(Buffer.from('not der'), POLICY),
        'TimeStampReq: is not a DER TimeStampReq',
      ],
      [
        'an oversized body',
        () => parseTimestampQuery(new Uint8Array(2000), POLICY),
        'TimeStampReq: is 2000 bytes; at most 1024 are accepted',
      ],
      [
        'JSON sha1',
        () => timestampRequestFromJson({ artifactHash: 'AAAA', hashAlgorithm: 'sha1' }, POLICY),
        'hashAlgorithm: SHA-1 is not accepted; use sha256, sha384 or sha512',
      ],
      [
        'JSON wrong length',
        () => timestampRequestFromJson({ artifactHash: 'AAAA', hashAlgorithm: 'sha384' }, POLICY),
        'artifactHash: is 3 bytes; a sha384 digest is 48',
      ],
      [
        'JSON not base64',
        () => timestampRequestFromJson({ artifactHash: '***', hashAlgorithm: 'sha256' }, POLICY),
        'artifactHash: must be standard base64',
      ],
      [
        'JSON unknown field',
        () =>
          timestampRequestFromJson(
            { artifactHash: 'AAAA', hashAlgorithm: 'sha256', extra: 1 },
            POLICY,
          ),
        'extra: is not a known field',
      ],
      [
        'JSON bad nonce',
        () =>
          timestampRequestFromJson(
            {
              artifactHash: sha256(Buffer.of()).toString('base64'),
              hashAlgorithm: 'sha256',
              nonce: -1,
            },
            POLICY,
          ),
        'nonce: must be a non-negative integer',
      ],
    ])('%s', (_, f, message) => {
      expect(refusal(f)).toBe(message);
    });
  });
});
