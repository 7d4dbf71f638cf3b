/* The instance's RFC 3161 timestamp authority (issue 16): both request forms, checked by an
   independent implementation (openssl ts -verify) and by stock @sigstore/verify, and every
   refusal naming its field. */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TimeStampReq } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier, Extension, Extensions } from '@peculiar/asn1-x509';
import { bundleFromJSON, bundleToJSON, type Bundle } from '@sigstore/bundle';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import { bundleBuilderFromSigningConfig } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import {
  buildRootCertificate,
  buildTimestampingCertificate,
  generateKeyPair,
  issueTimestamp,
  KeyObjectSigner,
  parseCertificate,
  timestampRequestFromJson,
} from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { opensslTsVerify } from './support/openssl-ts';
import { startStack, type Stack } from './support/stack';

const EMAIL = 'alice@example.com';
const POLICY = '1.3.6.1.4.1.57264.2';
const tempDir = tempDirs();
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

describe('timestamp authority (RFC 3161)', () => {
  let stack: Stack;
  let tsaUrl: string;
  let dir: string;
  let pems: string[];

  beforeAll(async () => {
    stack = await startStack([{ name: 'alice', issuer: '$EMAIL_ISSUER', subject: EMAIL }]);
    tsaUrl = `${stack.caUrl}/api/v1/timestamp`;
    const chain = await (await fetch(`${tsaUrl}/certchain`)).text();
    pems = chain.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g)!;
  });
  // A directory of each test's own (they are removed after each test).
  beforeEach(() => {
    dir = tempDir('tsa-e2e');
  });
  afterAll(async () => {
    await stack.close();
  });

  const opensslVerify = (reply: Buffer, ...args: string[]) =>
    opensslTsVerify(dir, reply, { rootPem: pems[pems.length - 1]!, leafPem: pems[0]! }, ...args);

  it('serves its chain, leaf with critical timeStamping EKU first, as in the trusted root', async () => {
    const res = await fetch(`${tsaUrl}/certchain`);
    expect(res.headers.get('content-type')).toBe('application/pem-certificate-chain');
    const root = (await (await fetch(`${stack.caUrl}/api/v1/trustedRoot`)).json()) as {
      timestampAuthorities: Array<{
        uri: string;
        certChain: { certificates: Array<{ rawBytes: string }> };
      }>;
    };
    const [authority] = root.timestampAuthorities;
    expect(authority!.uri).toBe(tsaUrl);
    const leaf = parseCertificate(
      Buffer.from(authority!.certChain.certificates[0]!.rawBytes, 'base64'),
    );
    expect(leaf.extendedKeyUsage).toEqual(['1.3.6.1.5.5.7.3.8']);
    expect(leaf.extensions.find((e) => e.oid === '2.5.29.37')?.critical).toBe(true);
  });

  it('answers sigstore-js JSON with a DER TimeStampResp that openssl verifies', async () => {
    const data = randomBytes(64);
    writeFileSync(join(dir, 'data'), data);
    const res = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        artifactHash: sha256(data).toString('base64'),
        hashAlgorithm: 'sha256',
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
    const reply = Buffer.from(await res.arrayBuffer());
    expect(opensslVerify(reply, '-data', join(dir, 'data'))).toContain('Verification: OK');
  });

  it('answers a DER query (as sigstore-go and cosign send) that openssl verifies, nonce and all', async () => {
    writeFileSync(join(dir, 'data'), randomBytes(64));
    execFileSync('openssl', [
      'ts',
      '-query',
      '-data',
      join(dir, 'data'),
      '-sha384',
      '-cert',
      '-out',
      join(dir, 'q.tsq'),
    ]);
    const query = execFileSync('cat', [join(dir, 'q.tsq')]);
    const res = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: query,
    });
    expect(res.status).toBe(200);
    const reply = Buffer.from(await res.arrayBuffer());
    expect(opensslVerify(reply, '-queryfile', join(dir, 'q.tsq'))).toContain('Verification: OK');
  });

  it.each([
    [
      'SHA-1',
      'application/json',
      JSON.stringify({ artifactHash: Buffer.alloc(20).toString('base64'), hashAlgorithm: 'sha1' }),
      400,
      'timestamp request rejected: hashAlgorithm: SHA-1 is not accepted; use sha256, sha384 or sha512',
    ],
    [
      'a digest of the wrong length',
      'application/json',
      JSON.stringify({
        artifactHash: Buffer.alloc(20).toString('base64'),
        hashAlgorithm: 'sha256',
      }),
      400,
      'timestamp request rejected: artifactHash: is 20 bytes; a sha256 digest is 32',
    ],
    [
      'an unknown policy',
      'application/json',
      JSON.stringify({
        artifactHash: Buffer.alloc(32).toString('base64'),
        hashAlgorithm: 'sha256',
        tsaPolicyOID: '1.2.3',
      }),
      400,
      `timestamp request rejected: tsaPolicyOID: "1.2.3" is not this TSA's policy (${POLICY})`,
    ],
    [
      'an oversized query',
      'application/timestamp-query',
      Buffer.alloc(4096),
      400,
      'timestamp request rejected: TimeStampReq: is larger than 1024 bytes',
    ],
    [
      'another media type',
      'text/plain',
      'hello',
      415,
      'Content-Type text/plain is not accepted: send application/timestamp-query (DER) or application/json',
    ],
  ])('refuses %s, naming the field', async (_, type, body, status, message) => {
    const res = await fetch(tsaUrl, { method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { message: string }).message).toBe(message);
  });

  it('refuses a query with extensions, naming them', async () => {
    const query = new TimeStampReq({
      version: 1,
      messageImprint: new MessageImprint({
        hashAlgorithm: new AlgorithmIdentifier({ algorithm: '2.16.840.1.101.3.4.2.1' }),
        hashedMessage: new OctetString(new Uint8Array(32)),
      }),
      certReq: false,
      extensions: new Extensions([
        new Extension({
          extnID: '1.2.3.4',
          critical: false,
          extnValue: new OctetString(Buffer.of(5, 0)),
        }),
      ]),
    });
    const res = await fetch(tsaUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: Buffer.from(AsnConvert.serialize(query)),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'timestamp request rejected: extensions: are not supported by this TSA',
    );
  });

  describe('stock @sigstore/verify on bundles signed through the served signing config', () => {
    let trustedRoot: Record<string, unknown>;
    let bundle: Bundle;
    const data = Buffer.from('the release artifact');
    const policy = () => ({
      subjectAlternativeName: EMAIL,
      extensions: { issuer: stack.fx.email.url },
    });
    const verify = (b: Bundle, root = trustedRoot) =>
      new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root)), {
        tlogThreshold: 1,
        timestampThreshold: 1,
      }).verify(toSignedEntity(b, data), policy());
    const withTimestamp = (token: Uint8Array) => {
      const copy = bundleFromJSON(bundleToJSON(bundle));
      copy.verificationMaterial.timestampVerificationData = {
        rfc3161Timestamps: [{ signedTimestamp: Buffer.from(token) }],
      };
      return copy;
    };

    beforeAll(async () => {
      trustedRoot = (await (await fetch(`${stack.caUrl}/api/v1/trustedRoot`)).json()) as Record<
        string,
        unknown
      >;
      const signingConfig = SigningConfig.fromJSON(
        await (await fetch(`${stack.caUrl}/api/v1/signingConfig`)).json(),
      );
      bundle = await bundleBuilderFromSigningConfig({
        signingConfig,
        identityProvider: {
          getToken: () => stack.fx.email.mint({ sub: 'u', email: EMAIL, email_verified: true }),
        },
        bundleType: 'messageSignature',
      }).create({ data });
    });

    it('accepts the timestamp the served TSA gave', () => {
      expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(
        1,
      );
      expect(() => verify(bundle)).not.toThrow();
    });

    it('refuses a token for other data', async () => {
      const res = await fetch(tsaUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          artifactHash: sha256(randomBytes(8)).toString('base64'),
          hashAlgorithm: 'sha256',
        }),
      });
      const token = new Uint8Array(await res.arrayBuffer());
      expect(() => verify(withTimestamp(token))).toThrow(
        expect.objectContaining({ code: 'TIMESTAMP_ERROR' }),
      );
    });

    it('refuses a token from another key', async () => {
      const rootSigner = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
      const signer = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
      const now = new Date();
      const window = {
        notBefore: new Date(now.getTime() - 3600_000),
        notAfter: new Date(now.getTime() + 3600_000),
      };
      const root = await buildRootCertificate({
        signer: rootSigner,
        subject: { commonName: 'Other TSA root' },
        ...window,
      });
      const leaf = await buildTimestampingCertificate({
        issuer: root,
        issuerSigner: rootSigner,
        subject: { commonName: 'Other TSA' },
        subjectPublicKey: signer.publicKey,
        ...window,
      });
      const signature =
        bundle.content.$case === 'messageSignature'
          ? bundle.content.messageSignature.signature
          : Buffer.of();
      const token = await issueTimestamp(
        { signer, chain: [parseCertificate(leaf), parseCertificate(root)], policy: POLICY },
        timestampRequestFromJson(
          { artifactHash: sha256(signature).toString('base64'), hashAlgorithm: 'sha256' },
          POLICY,
        ),
        now,
      );
      expect(() => verify(withTimestamp(token))).toThrow(
        expect.objectContaining({ code: 'TIMESTAMP_ERROR' }),
      );
    });

    it('refuses a token outside the TSA’s validity in the trusted root', () => {
      const root = structuredClone(trustedRoot) as {
        timestampAuthorities: Array<{ validFor: { start: string; end?: string } }>;
      };
      root.timestampAuthorities[0]!.validFor = {
        start: '2020-01-01T00:00:00Z',
        end: '2021-01-01T00:00:00Z',
      };
      expect(() => verify(bundle, root)).toThrow(
        expect.objectContaining({ code: 'TIMESTAMP_ERROR' }),
      );
    });
  });
});
