import 'reflect-metadata';
import { createHash, sign, X509Certificate } from 'node:crypto';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import {
  certificatesFromPem,
  parseCertificate,
  readFulcioExtensions,
  subjectAltNames,
  verifyChain,
} from '@app/signing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaModule } from '../apps/ca/src/app.module';
import { caInit } from '../apps/cli/src/ca/ca-init';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import { bootApp, testConfig } from './support/apps';
import {
  caFixture,
  type CaFixture,
  clientKey,
  githubClaims,
  proofOf,
  signingCertRequest,
} from './support/ca-fixtures';
import { createTestDatabase, type TestDatabase } from './support/database';
import { hashedRekord } from './support/log-fixtures';

const RULES = [
  { name: 'alice', issuer: '$EMAIL_ISSUER', subject: 'alice@example.com' },
  {
    name: 'ops-team',
    issuer: '$EMAIL_ISSUER',
    subject: '/[a-z]+@ops\\.example\\.com/',
    allowedKeyAlgorithms: ['ecdsa-p256'],
  },
  {
    name: 'release-pipeline',
    issuer: '$GITHUB_ISSUER',
    subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*',
    claims: { repository_owner: 'acme', event_name: 'push' },
    certificateLifetime: '5m',
  },
];

/** A token of the fixture's email issuer for the verified `email`, with subject `sub`. */
const emailToken = (fx: CaFixture, email = 'alice@example.com', sub = 'user-1') =>
  fx.email.mint({ sub, email, email_verified: true });

/** A CA on a database of its own, trusting the fixture's issuers; `prepare` may add files and env. */
async function startCa(
  extraEnv: Record<string, string> = {},
  prepare: (fx: CaFixture) => Promise<Record<string, string>> = () => Promise.resolve({}),
) {
  const db = await createTestDatabase();
  const fx = await caFixture(RULES, extraEnv);
  try {
    const env = { ...fx.env, ...(await prepare(fx)) };
    const app = await bootApp(CaModule.forRoot(testConfig(db.url, env)), 64 * 1024);
    return {
      db,
      fx,
      app,
      close: async () => {
        await app.close();
        await fx.close();
        await db.drop();
      },
    };
  } catch (err) {
    await fx.close();
    await db.drop();
    throw err;
  }
}

/** The CAs the running test started with `startCaForTest`; closed after it, passed or failed. */
const startedForTest: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of startedForTest.splice(0)) await close();
});

async function startCaForTest(...args: Parameters<typeof startCa>) {
  const ca = await startCa(...args);
  startedForTest.push(ca.close);
  return ca;
}

describe('certificate authority: Fulcio v2 signingCert', () => {
  let db: TestDatabase;
  let fx: CaFixture;
  let http: ReturnType<typeof request>;
  let close: () => Promise<void>;
  const issuances = async () =>
    (await db.query<{ n: string }>('SELECT count(*) AS n FROM issuance'))[0]!.n;

  beforeAll(async () => {
    let app: NestExpressApplication;
    ({ db, fx, app, close } = await startCa());
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await close();
  });

  /** Posts a request and asserts that a failure wrote no issuance record. */
  async function post(body: object, expected: number, headers: Record<string, string> = {}) {
    const before = await issuances();
    const res = await http.post('/api/v2/signingCert').set(headers).send(body);
    if (res.status !== expected)
      throw new Error(`expected ${expected}, got ${res.status}: ${JSON.stringify(res.body)}`);
    if (expected >= 400) expect(await issuances()).toBe(before);
    return res;
  }

  it('issues a Fulcio-profile certificate for an allowed email identity, and records it', async () => {
    const key = clientKey();
    const token = await emailToken(fx);
    const res = await post(signingCertRequest(token, key, proofOf(key, 'alice@example.com')), 201);
    const pems = res.body.signedCertificateEmbeddedSct.chain.certificates as string[];
    expect(pems).toHaveLength(3);
    const [leaf, intermediate, root] = pems.map((p) =>
      parseCertificate(certificatesFromPem(p)[0]!),
    );
    verifyChain(leaf!.der, [intermediate!], [root!], new Date());
    expect(subjectAltNames(leaf!)).toEqual([{ type: 'email', value: 'alice@example.com' }]);
    expect(leaf!.subjectName).toBe('');
    const ext = readFulcioExtensions(leaf!);
    expect(ext['1.3.6.1.4.1.57264.1.8']).toBe(fx.email.url);
    expect(ext['1.3.6.1.4.1.57264.1.1']).toBe(fx.email.url);
    expect((leaf!.notAfter.getTime() - leaf!.notBefore.getTime()) / 1000).toBe(600);
    const node = new X509Certificate(pems[0]!);
    expect(node.keyUsage).toEqual(['1.3.6.1.5.5.7.3.3']);
    expect(node.publicKey.export({ type: 'spki', format: 'pem' })).toBe(key.publicKeyPem);
    expect(node.checkIssued(new X509Certificate(pems[1]!))).toBe(true);
    const bundle = await http.get('/api/v2/trustBundle');
    expect(bundle.body).toEqual({ chains: [{ certificates: pems.slice(1) }] });
    const [record] = await db.query<Record<string, unknown>>(
      'SELECT * FROM issuance WHERE identity = $1',
      ['alice@example.com'],
    );
    expect(record).toMatchObject({
      serial: leaf!.serialNumber.toString(16),
      issuer: fx.email.url,
      subject: 'user-1',
      rule_name: 'alice',
      key_algorithm: 'ecdsa-p256',
      san_type: 'email',
    });
    const [rule] = await db.query<{ id: string }>("SELECT id FROM iam_rule WHERE name = 'alice'");
    expect(record!.rule_id).toBe(rule!.id);
  });

  it('takes the token from an Authorization: Bearer header too', async () => {
    const key = clientKey();
    const token = await emailToken(fx);
    const body = {
      publicKeyRequest: {
        publicKey: { content: key.publicKeyPem },
        proofOfPossession: proofOf(key, 'alice@example.com'),
      },
    };
    await post(body, 201, { Authorization: `Bearer ${token}` });
  });

  it('issues for a GitHub Actions release workflow with every OID from its claims and the rule lifetime', async () => {
    const key = clientKey();
    const claims = githubClaims();
    const token = await fx.github.mint(claims);
    const res = await post(signingCertRequest(token, key, proofOf(key, claims.sub as string)), 201);
    const leaf = parseCertificate(
      certificatesFromPem(res.body.signedCertificateEmbeddedSct.chain.certificates[0])[0]!,
    );
    expect(subjectAltNames(leaf)).toEqual([
      {
        type: 'uri',
        value: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3',
      },
    ]);
    const ext = readFulcioExtensions(leaf);
    expect(ext['1.3.6.1.4.1.57264.1.12']).toBe('https://github.com/acme/app');
    expect(ext['1.3.6.1.4.1.57264.1.20']).toBe('push');
    expect(ext['1.3.6.1.4.1.57264.1.11']).toBe('github-hosted');
    expect((leaf.notAfter.getTime() - leaf.notBefore.getTime()) / 1000).toBe(300);
  });

  it('denies by default, naming the identity and issuer but not the rules', async () => {
    const key = clientKey();
    const token = await emailToken(fx, 'mallory@example.com', 'user-2');
    const res = await post(
      signingCertRequest(token, key, proofOf(key, 'mallory@example.com')),
      403,
    );
    expect(res.body).toEqual({
      code: 7,
      message: `no rule allows identity "mallory@example.com" from issuer "${fx.email.url}"`,
    });
    const pr = githubClaims({ event_name: 'pull_request' });
    const prToken = await fx.github.mint(pr);
    await post(signingCertRequest(prToken, key, proofOf(key, pr.sub as string)), 403);
  });

  it('enforces the rule key algorithms', async () => {
    const rsa = clientKey('rsa2048');
    const token = await emailToken(fx, 'bob@ops.example.com', 'user-3');
    const res = await post(
      signingCertRequest(token, rsa, proofOf(rsa, 'bob@ops.example.com')),
      403,
    );
    expect(res.body.message).toMatch(
      /key algorithm "rsa-2048" is not allowed for identity "bob@ops.example.com"/,
    );
  });

  it('rejects a proof of possession over the wrong claim, a bad key and a bad CSR', async () => {
    const key = clientKey();
    const token = await emailToken(fx, 'alice@example.com', 'user-9');
    const wrong = await post(signingCertRequest(token, key, proofOf(key, 'user-9')), 400);
    expect(wrong.body).toEqual({
      code: 3,
      message:
        'publicKeyRequest.proofOfPossession: the signature does not verify over the token\'s email "alice@example.com" with the given public key',
    });
    const weak = clientKey('rsa1024');
    const weakRes = await post(
      signingCertRequest(token, weak, proofOf(weak, 'alice@example.com')),
      400,
    );
    expect(weakRes.body.message).toBe(
      'publicKeyRequest.publicKey.content: RSA keys must be 2048, 3072 or 4096 bits, got 1024',
    );
    const k1 = clientKey('secp256k1');
    const k1Res = await post(signingCertRequest(token, k1, proofOf(k1, 'alice@example.com')), 400);
    expect(k1Res.body.message).toBe(
      'publicKeyRequest.publicKey.content: curve secp256k1 is not supported (P-256, P-384, P-521)',
    );
    const garbage = await post(
      {
        credentials: { oidcIdentityToken: token },
        publicKeyRequest: { publicKey: { content: 'nope' }, proofOfPossession: 'AA==' },
      },
      400,
    );
    expect(garbage.body.message).toBe(
      'publicKeyRequest.publicKey.content could not be parsed as a public key',
    );
    const csr = await post(
      {
        credentials: { oidcIdentityToken: token },
        certificateSigningRequest: Buffer.from('not a csr').toString('base64'),
      },
      400,
    );
    expect(csr.body.message).toBe(
      'certificateSigningRequest could not be parsed as a PKCS#10 request',
    );
    const both = await post({ credentials: { oidcIdentityToken: token } }, 400);
    expect(both.body.message).toBe(
      'exactly one of publicKeyRequest or certificateSigningRequest is required',
    );
  });

  it('rejects bad tokens with a message that says which check failed', async () => {
    const key = clientKey();
    const req = async (token: string) =>
      (await post(signingCertRequest(token, key, proofOf(key, 'alice@example.com')), 401)).body
        .message as string;
    const claims = { sub: 'user-1', email: 'alice@example.com', email_verified: true };
    expect(await req(await fx.email.mint(claims, { expiresIn: -3600 }))).toMatch(
      /^identity token rejected: .*expired/,
    );
    expect(await req(await fx.email.mint(claims, { notBefore: 3600 }))).toMatch(
      /^identity token rejected: .*not (yet )?valid/i,
    );
    expect(await req(await fx.email.mint({ ...claims, aud: 'other' }))).toMatch(
      /^identity token rejected: .*audience/,
    );
    expect(await req(await fx.email.mint(claims, { noSign: 'none' }))).toMatch(
      /^identity token rejected: .*none/,
    );
    expect(await req(await fx.email.mint(claims, { noSign: 'hs256-with-public-key' }))).toMatch(
      /^identity token rejected: .*HS256/,
    );
    expect(await req(await fx.email.mint({ ...claims, email_verified: false }))).toMatch(
      /^identity token rejected: .*email_verified/,
    );
    const before = fx.email.requests.length;
    const unknown = await req(await fx.email.mint({ ...claims, iss: 'https://evil.example.com' }));
    expect(unknown).toMatch(/^identity token rejected: .*https:\/\/evil\.example\.com/);
    expect(fx.email.requests.length).toBe(before);
    const big = await post(signingCertRequest('x'.repeat(40_000), key, 'AA=='), 400);
    expect(big.body.message).toMatch(/^identity token rejected: .*(large|size|bytes)/);
  });

  it('certifies P-384 and Ed25519 keys (proof hashed per key type) and keys from a valid CSR', async () => {
    const token = await emailToken(fx);
    const p384 = clientKey('P-384');
    await post(signingCertRequest(token, p384, proofOf(p384, 'alice@example.com', 'sha384')), 201);
    const ed = clientKey('ed25519');
    await post(signingCertRequest(token, ed, proofOf(ed, 'alice@example.com', null)), 201);
    const csrKeys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const csr = await Pkcs10CertificateRequestGenerator.create({
      name: 'CN=ignored',
      keys: csrKeys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    const res = await post(
      {
        credentials: { oidcIdentityToken: token },
        certificateSigningRequest: Buffer.from(csr.toString('pem')).toString('base64'),
      },
      201,
    );
    const leaf = parseCertificate(
      certificatesFromPem(res.body.signedCertificateEmbeddedSct.chain.certificates[0])[0]!,
    );
    expect(leaf.subjectName).toBe('');
    expect(
      Buffer.from(leaf.subjectPublicKeyInfo).equals(
        Buffer.from(await crypto.subtle.exportKey('spki', csrKeys.publicKey)),
      ),
    ).toBe(true);
  });

  it('is trusted by the instance transparency log: an entry signed under its certificate is logged', async () => {
    const key = clientKey();
    const token = await emailToken(fx);
    const res = await post(signingCertRequest(token, key, proofOf(key, 'alice@example.com')), 201);
    const certificatePem = res.body.signedCertificateEmbeddedSct.chain.certificates[0] as string;
    const log = await bootApp(
      TransparencyLogModule.forRoot(
        testConfig(db.url, { SIGNET_DATA_DIR: fx.env.SIGNET_DATA_DIR! }),
      ),
    );
    const artifact = Buffer.from('signed by a certificate from our CA');
    const entry = hashedRekord(
      createHash('sha256').update(artifact).digest(),
      sign('sha256', artifact, key.privateKey),
      certificatePem,
    );
    const logged = await request(log.getHttpServer()).post('/api/v1/log/entries').send(entry);
    if (logged.status !== 201) throw new Error(JSON.stringify(logged.body));
    await log.close();
  });

  it('publishes its configuration', async () => {
    const res = await http.get('/api/v2/configuration');
    expect(res.body.issuers).toEqual([
      expect.objectContaining({
        issuerUrl: fx.email.url,
        audience: 'sigstore',
        challengeClaim: 'email',
        issuerType: 'email',
      }),
      expect.objectContaining({
        issuerUrl: fx.github.url,
        audience: 'sigstore',
        challengeClaim: 'sub',
        issuerType: 'github-workflow',
      }),
    ]);
  });
});

describe('certificate authority: rate limits', () => {
  it('answers 429 with Retry-After beyond the per-identity limit, and writes nothing', async () => {
    const { db, fx, app } = await startCaForTest({ CA_RATE_LIMIT_PER_IDENTITY: '2' });
    const key = clientKey();
    const body = async () =>
      signingCertRequest(await emailToken(fx), key, proofOf(key, 'alice@example.com'));
    expect(
      (
        await request(app.getHttpServer())
          .post('/api/v2/signingCert')
          .send(await body())
      ).status,
    ).toBe(201);
    expect(
      (
        await request(app.getHttpServer())
          .post('/api/v2/signingCert')
          .send(await body())
      ).status,
    ).toBe(201);
    const limited = await request(app.getHttpServer())
      .post('/api/v2/signingCert')
      .send(await body());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toEqual({
      code: 8,
      message: expect.stringMatching(
        /^too many certificate requests for identity alice@example\.com; retry in \d+ s$/,
      ),
    });
    expect((await db.query<{ n: string }>('SELECT count(*) AS n FROM issuance'))[0]!.n).toBe('2');
  });
});

describe('certificate authority: configured keys and rotation', () => {
  it('issues under CA_KEY/CA_CHAIN from signet ca init and still publishes a retired chain', async () => {
    let old: Record<string, string> = {};
    let current: Record<string, string> = {};
    const { db, fx, app } = await startCaForTest({}, async (fx) => {
      const settings = async (out: string) => {
        const lines: string[] = [];
        await caInit(['--out', join(fx.dir, out)], (l) => lines.push(l));
        return Object.fromEntries(
          lines.filter((l) => l.includes('=')).map((l) => l.split('=', 2) as [string, string]),
        );
      };
      old = await settings('old-ca');
      current = await settings('new-ca');
      const config = readFileSync(fx.env.SIGNET_CONFIG!, 'utf8');
      writeFileSync(fx.env.SIGNET_CONFIG!, `${config}ca:\n  retiredChains: [${old.CA_CHAIN}]\n`);
      return {
        CA_KEY: current.CA_KEY!,
        CA_CHAIN: current.CA_CHAIN!,
        CA_KEY_PASSPHRASE_FILE: current.CA_KEY_PASSPHRASE_FILE!,
      };
    });
    const http = request(app.getHttpServer());
    const bundle = (await http.get('/api/v2/trustBundle')).body as {
      chains: Array<{ certificates: string[] }>;
    };
    expect(bundle.chains.map((c) => c.certificates.join(''))).toEqual([
      readFileSync(current.CA_CHAIN!, 'utf8'),
      readFileSync(old.CA_CHAIN!, 'utf8'),
    ]);
    const key = clientKey();
    const token = await emailToken(fx);
    const res = await http
      .post('/api/v2/signingCert')
      .send(signingCertRequest(token, key, proofOf(key, 'alice@example.com')));
    expect(res.status).toBe(201);
    const [leaf, ...chain] = (
      res.body.signedCertificateEmbeddedSct.chain.certificates as string[]
    ).map((p) => parseCertificate(certificatesFromPem(p)[0]!));
    verifyChain(leaf!.der, chain.slice(0, -1), chain.slice(-1), new Date());
    expect(
      chain.map((c) =>
        certificatesFromPem(readFileSync(current.CA_CHAIN!, 'utf8')).some((d) =>
          Buffer.from(d).equals(Buffer.from(c.der)),
        ),
      ),
    ).toEqual([true, true]);
    const recorded = await db.query<{ n: string }>('SELECT count(*) AS n FROM ca_certificate');
    expect(recorded[0]!.n).toBe('4');
  });
});

describe('certificate authority: certificate transparency required', () => {
  it('answers 503 and issues nothing when the CT log cannot be reached', async () => {
    const { db, fx, app } = await startCaForTest({
      CA_CT_REQUIRED: 'true',
      CA_LOG_URL: 'http://127.0.0.1:9',
    });
    const key = clientKey();
    const token = await emailToken(fx);
    const res = await request(app.getHttpServer())
      .post('/api/v2/signingCert')
      .send(signingCertRequest(token, key, proofOf(key, 'alice@example.com')));
    expect(res.status).toBe(503);
    // Neither the log's address nor the socket error reaches the client (L6).
    expect(res.body).toEqual({
      code: 14,
      message: 'the certificate transparency log could not be reached; no certificate was issued',
    });
    expect((await db.query<{ n: string }>('SELECT count(*) AS n FROM issuance'))[0]!.n).toBe('0');
  });
});
