/* The Rekor v2 personality (issue 16): rekor-tiles' write API byte for byte, beside v1, with the
   TSA; stock sigstore-js signs through the served signing config and @sigstore/verify accepts. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import { bundleBuilderFromSigningConfig } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { buildLeaf, c2spKeyHash, parsePublicKey } from '@app/signing';
import { testLeafRequest, testPki } from '@app/signing/x509/testing';
import { startStack, type Stack } from './support/stack';

const EMAIL = 'alice@example.com';
const data = Buffer.from('the release artifact');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** The parts of a served `TransparencyLogEntry`, trusted root and signing config read here. */
interface EntryJson {
  logIndex: string;
  canonicalizedBody: string;
  integratedTime?: string;
  inclusionPromise?: unknown;
}
interface RootJson {
  tlogs: Array<{ baseUrl: string; publicKey: { rawBytes: string }; logId: { keyId: string } }>;
}
interface ConfigJson {
  rekorTlogUrls: Array<{ url: string; majorApiVersion: number }>;
  tsaUrls: unknown[];
}

describe('Rekor v2 log', () => {
  let stack: Stack;
  const writer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const writerPem = writer.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const writerDer = writer.publicKey.export({ type: 'spki', format: 'der' });
  const v2Entries = async () =>
    (
      await stack.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM log_entry WHERE purpose = 'rekor-v2'",
      )
    )[0]!.n;

  beforeAll(async () => {
    stack = await startStack(
      [{ name: 'alice', issuer: '$EMAIL_ISSUER', subject: EMAIL }],
      [writerPem],
      { CA_SIGNING_LOG: 'v2' },
    );
  });
  afterAll(async () => {
    await stack.close();
  });

  /** A hashedRekordRequestV002 by the allowed bare key over `artifact`. */
  const keyRequest = (artifact: Buffer, keyDetails = 'PKIX_ECDSA_P256_SHA_256') => ({
    hashedRekordRequestV002: {
      digest: sha256(artifact).toString('base64'),
      signature: {
        content: sign('sha256', artifact, writer.privateKey).toString('base64'),
        verifier: { publicKey: { rawBytes: writerDer.toString('base64') }, keyDetails },
      },
    },
  });
  const post = (body: unknown) =>
    fetch(`${stack.logV2Url}/api/v2/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('logs a hashedrekord v0.0.2 entry with the canonical bytes rekor-tiles stores, and an inclusion proof and checkpoint', async () => {
    const artifact = Buffer.from('artifact one');
    const req = keyRequest(artifact);
    const res = await post(req);
    expect(res.status).toBe(201);
    const entry = (await res.json()) as EntryJson;
    // Built from the documented format (JCS of the protojson Entry, verifier as DER), by hand.
    const expected =
      '{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"' +
      req.hashedRekordRequestV002.digest +
      '"},"signature":{"content":"' +
      req.hashedRekordRequestV002.signature.content +
      '","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","publicKey":{"rawBytes":"' +
      writerDer.toString('base64') +
      '"}}}}}}';
    expect(Buffer.from(entry.canonicalizedBody, 'base64').toString()).toBe(expected);
    expect(entry).toMatchObject({
      kindVersion: { kind: 'hashedrekord', version: '0.0.2' },
      inclusionProof: {
        logIndex: entry.logIndex,
        checkpoint: { envelope: expect.stringMatching(/^localhost\n/) },
      },
    });
    expect(entry.integratedTime).toBeUndefined();
    expect(entry.inclusionPromise).toBeUndefined();
    const checkpoint = await (await fetch(`${stack.logV2Url}/api/v2/checkpoint`)).text();
    expect(checkpoint.split('\n')[0]).toBe('localhost');

    // A duplicate answers the entry already logged (sigstore-js retries and cannot fetch on conflict).
    const again = await post(req);
    expect(again.status).toBe(201);
    const second = (await again.json()) as EntryJson;
    expect(second.logIndex).toBe(entry.logIndex);
    expect(second.canonicalizedBody).toBe(entry.canonicalizedBody);
  });

  it.each([
    ['another type', { intotoRequestV002: {} }, 'invalid type, must be hashedrekord'],
    [
      'keyDetails that are not the key’s',
      keyRequest(Buffer.from('x'), 'PKIX_ECDSA_P384_SHA_384'),
      'hashedRekordRequestV002.signature.verifier.keyDetails: is "PKIX_ECDSA_P384_SHA_384"; this key\'s is PKIX_ECDSA_P256_SHA_256',
    ],
    [
      'a digest of the wrong length',
      (() => {
        const r = keyRequest(Buffer.from('x'));
        r.hashedRekordRequestV002.digest = Buffer.alloc(20).toString('base64');
        return r;
      })(),
      'hashedRekordRequestV002.digest: is 20 bytes; PKIX_ECDSA_P256_SHA_256 signs a 32-byte SHA2_256 digest',
    ],
    [
      'a signature over something else',
      (() => {
        const r = keyRequest(Buffer.from('x'));
        r.hashedRekordRequestV002.digest = sha256(Buffer.from('y')).toString('base64');
        return r;
      })(),
      'hashedRekordRequestV002.signature.content: the signature does not verify over the digest with this key',
    ],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_, body, message) => {
    const before = await v2Entries();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(message);
    expect(await v2Entries()).toBe(before);
  });

  it('refuses a certificate of a foreign CA (403), before verifying anything, and writes nothing', async () => {
    const pki = await testPki();
    const leafRequest = testLeafRequest(pki, new Date());
    const leaf = await buildLeaf(leafRequest).certificate();
    const before = await v2Entries();
    const res = await post({
      hashedRekordRequestV002: {
        digest: sha256(Buffer.from('x')).toString('base64'),
        signature: {
          content: Buffer.alloc(64).toString('base64'),
          verifier: {
            x509Certificate: { rawBytes: Buffer.from(leaf).toString('base64') },
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          },
        },
      },
    });
    expect(res.status).toBe(403);
    expect(await v2Entries()).toBe(before);
  });

  it('answers 405 with rekor-tiles’ message for a frozen shard, and writes nothing', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    await stack.db.query(
      `INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset, frozen_at)
       VALUES (77, 'rekor-v2', 'frozen.localhost', false, $1, $2, 0, now())`,
      [
        key.export({ type: 'spki', format: 'der' }),
        c2spKeyHash(
          parsePublicKey(key.export({ type: 'spki', format: 'pem' }) as string),
          'frozen.localhost',
        ),
      ],
    );
    const before = await v2Entries();
    const port = new URL(stack.logUrl).port;
    // Each log process re-reads the shards within seconds.
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 6_000);
    const answer = await new Promise<{ status: number; header: unknown; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v2/log/entries',
            method: 'POST',
            headers: { host: `frozen.localhost:${port}`, 'content-type': 'application/json' },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode!,
                header: res.headers['x-http-error-message'],
                body,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(keyRequest(Buffer.from('late'))));
      },
    ).finally(() => clock.mockRestore());
    expect(answer.status).toBe(405);
    expect(answer.header).toBe('This log has been frozen, please switch to the latest log.');
    expect(await v2Entries()).toBe(before);
  });

  describe('stock sigstore-js and @sigstore/verify, configured only by what the instance serves', () => {
    let trustedRoot: RootJson;
    let signingConfig: ConfigJson;

    beforeAll(async () => {
      trustedRoot = (await (await fetch(`${stack.caUrl}/api/v1/trustedRoot`)).json()) as RootJson;
      signingConfig = (await (
        await fetch(`${stack.caUrl}/api/v1/signingConfig`)
      ).json()) as ConfigJson;
    });

    it('lists the v2 shard at its own hostname in the trusted root, and first in the signing config', () => {
      const v2 = trustedRoot.tlogs.find((t) => t.baseUrl === stack.logV2Url);
      expect(v2).toBeDefined();
      const key = parsePublicKey(
        `-----BEGIN PUBLIC KEY-----\n${v2!.publicKey.rawBytes}\n-----END PUBLIC KEY-----\n`,
      );
      expect(v2!.logId.keyId).toBe(Buffer.from(c2spKeyHash(key, 'localhost')).toString('base64'));
      expect(signingConfig.rekorTlogUrls.map((s) => [s.url, s.majorApiVersion])).toEqual([
        [stack.logV2Url, 2],
        [stack.logUrl, 1],
      ]);
      expect(signingConfig.tsaUrls).toHaveLength(1);
    });

    it('signs a message signature to v2 with a timestamp, and the bundle verifies at default thresholds', async () => {
      const bundle = await bundleBuilderFromSigningConfig({
        signingConfig: SigningConfig.fromJSON(signingConfig),
        identityProvider: {
          getToken: () => stack.fx.email.mint({ sub: 'u', email: EMAIL, email_verified: true }),
        },
        bundleType: 'messageSignature',
      }).create({ data });
      const [entry] = bundle.verificationMaterial.tlogEntries;
      expect(entry!.kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.2' });
      expect(entry!.inclusionPromise).toBeUndefined();
      expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(
        1,
      );
      const signer = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot))).verify(
        toSignedEntity(bundle, data),
        { subjectAlternativeName: EMAIL, extensions: { issuer: stack.fx.email.url } },
      );
      expect(signer.identity?.subjectAlternativeName).toBe(EMAIL);
      // The same verifier refuses another artifact.
      expect(() =>
        new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot))).verify(
          toSignedEntity(bundle, Buffer.from('other')),
        ),
      ).toThrow();
    });

    it('logs sigstore-js 5.1’s deprecated dsseRequestV002 as dsse v0.0.2 (the documented choice), and the bundle verifies', async () => {
      const statement = Buffer.from(
        '{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x","predicate":{}}',
      );
      const bundle = await bundleBuilderFromSigningConfig({
        signingConfig: SigningConfig.fromJSON(signingConfig),
        identityProvider: {
          getToken: () => stack.fx.email.mint({ sub: 'u', email: EMAIL, email_verified: true }),
        },
        bundleType: 'dsseEnvelope',
      }).create({ data: statement, type: 'application/vnd.in-toto+json' });
      const [entry] = bundle.verificationMaterial.tlogEntries;
      expect(entry!.kindVersion).toEqual({ kind: 'dsse', version: '0.0.2' });
      const envelope =
        bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
      const certificate =
        bundle.verificationMaterial.content.$case === 'certificate'
          ? bundle.verificationMaterial.content.certificate.rawBytes
          : Buffer.of();
      // Built from the format rekor-tiles stored dsse v0.0.2 in, by hand.
      const expected =
        '{"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{"payloadHash":{"algorithm":"SHA2_256","digest":"' +
        sha256(statement).toString('base64') +
        '"},"signatures":[{"content":"' +
        Buffer.from(envelope!.signatures[0]!.sig).toString('base64') +
        '","verifier":{"keyDetails":"PKIX_ECDSA_P256_SHA_256","x509Certificate":{"rawBytes":"' +
        Buffer.from(certificate).toString('base64') +
        '"}}}]}}}';
      expect(Buffer.from(entry!.canonicalizedBody).toString()).toBe(expected);
      new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot))).verify(
        toSignedEntity(bundle),
        {
          subjectAlternativeName: EMAIL,
          extensions: { issuer: stack.fx.email.url },
        },
      );
    });
  });
});
