/* Material for CA tests: local OIDC issuers configured in a SIGNET_CONFIG, and Fulcio requests. */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type LocalOidcIssuer, startOidcIssuer } from './oidc-issuer';
import { makeTempDir, removeTempDir } from './temp-dir';

export interface CaFixture {
  email: LocalOidcIssuer;
  github: LocalOidcIssuer;
  dir: string;
  env: Record<string, string>;
  /** Stops the issuers and removes `dir`. */
  close(): Promise<void>;
}

/**
 * Two loopback issuers (email and github-workflow types) and rules for them; the log also lets
 * the public keys `allowedPublicKeysPem` write without a certificate (log.allowedPublicKeys).
 */
export async function caFixture(
  rules: object[],
  extraEnv: Record<string, string> = {},
  allowedPublicKeysPem: string[] = [],
  extraConfig: Record<string, unknown> = {},
): Promise<CaFixture> {
  const email = await startOidcIssuer();
  const github = await startOidcIssuer();
  const dir = makeTempDir('ca');
  const config = {
    issuers: [
      { url: email.url, audience: 'sigstore', type: 'email', allowHttp: true },
      { url: github.url, audience: 'sigstore', type: 'github-workflow', allowHttp: true },
    ],
    rules: rules.map(
      (r) =>
        JSON.parse(
          JSON.stringify(r)
            .replaceAll('$EMAIL_ISSUER', email.url)
            .replaceAll('$GITHUB_ISSUER', github.url),
        ) as object,
    ),
    ...(allowedPublicKeysPem.length === 0
      ? {}
      : {
          log: {
            allowedPublicKeys: allowedPublicKeysPem.map((pem, i) => {
              writeFileSync(join(dir, `allowed-key-${i}.pem`), pem);
              return `allowed-key-${i}.pem`;
            }),
          },
        }),
    ...extraConfig,
  };
  writeFileSync(join(dir, 'signet.yaml'), stringify(config));
  return {
    email,
    github,
    dir,
    env: {
      SIGNET_CONFIG: join(dir, 'signet.yaml'),
      SIGNET_DATA_DIR: join(dir, 'data'),
      CA_CT_REQUIRED: 'false',
      ...extraEnv,
    },
    close: async () => {
      await email.close();
      await github.close();
      removeTempDir(dir);
    },
  };
}

/** GitHub Actions claims as a release workflow run would carry them. */
export function githubClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'repo:acme/app:ref:refs/tags/v1.2.3',
    job_workflow_ref: 'acme/app/.github/workflows/release.yml@refs/tags/v1.2.3',
    job_workflow_sha: 'a'.repeat(40),
    repository: 'acme/app',
    repository_id: '1234',
    repository_owner: 'acme',
    repository_owner_id: '42',
    repository_visibility: 'private',
    workflow: 'release',
    workflow_ref: 'acme/app/.github/workflows/release.yml@refs/tags/v1.2.3',
    workflow_sha: 'a'.repeat(40),
    ref: 'refs/tags/v1.2.3',
    sha: 'b'.repeat(40),
    event_name: 'push',
    run_id: '777',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    ...overrides,
  };
}

export interface ClientKey {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export function clientKey(
  type: 'P-256' | 'P-384' | 'ed25519' | 'rsa2048' | 'rsa1024' | 'secp256k1' = 'P-256',
): ClientKey {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : type.startsWith('rsa')
        ? generateKeyPairSync('rsa', { modulusLength: Number(type.slice(3)) })
        : generateKeyPairSync('ec', { namedCurve: type });
  return {
    privateKey: pair.privateKey,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Signs `challenge` as sigstore-js does (P-256: SHA-256, DER). */
export function proofOf(key: ClientKey, challenge: string, hash: string | null = 'sha256'): string {
  return sign(hash, Buffer.from(challenge), { key: key.privateKey, dsaEncoding: 'der' }).toString(
    'base64',
  );
}

/** The Fulcio v2 request body sigstore-js sends. */
export function signingCertRequest(token: string, key: ClientKey, proof: string): object {
  return {
    credentials: { oidcIdentityToken: token },
    publicKeyRequest: {
      publicKey: { algorithm: 'ECDSA', content: key.publicKeyPem },
      proofOfPossession: proof,
    },
  };
}
