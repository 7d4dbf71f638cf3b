import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../cli/testing';
import { findIdentityToken, peekClaims } from './token';

/** A stand-in for GitHub Actions' OIDC token endpoint that records what it was asked. */
interface ActionsEndpoint {
  url: string;
  requests: { url: string; authorization?: string }[];
  close(): Promise<void>;
}

async function actionsEndpoint(
  status = 200,
  body: unknown = { value: 'gha.jwt.token' },
): Promise<ActionsEndpoint> {
  const requests: ActionsEndpoint['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/_apis/token?api-version=2.0`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe(findIdentityToken.name, () => {
  let gha: ActionsEndpoint;
  let tokenFile: string;
  let actionsEnv: NodeJS.ProcessEnv;
  const tempDir = tempDirs();

  beforeEach(async () => {
    gha = await actionsEndpoint();
    tokenFile = join(tempDir('token'), 'token');
    writeFileSync(tokenFile, 'file.jwt.token\n');
    actionsEnv = {
      ACTIONS_ID_TOKEN_REQUEST_URL: gha.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-secret',
    };
  });
  afterEach(() => gha.close());

  it('takes --identity-token before everything else', async () => {
    const ctx = recordingContext({ SIGSTORE_ID_TOKEN: 'env.jwt.token', ...actionsEnv });
    await expect(
      findIdentityToken(
        { 'identity-token': 'flag.jwt.token', 'identity-token-file': tokenFile },
        ctx,
      ),
    ).resolves.toEqual({ token: 'flag.jwt.token', source: '--identity-token' });
    expect(gha.requests).toEqual([]);
  });

  it('then SIGSTORE_ID_TOKEN (named as GitLab CI there), before GitHub Actions and the file', async () => {
    const env = { SIGSTORE_ID_TOKEN: 'env.jwt.token', ...actionsEnv };
    await expect(
      findIdentityToken({ 'identity-token-file': tokenFile }, recordingContext(env)),
    ).resolves.toEqual({
      token: 'env.jwt.token',
      source: 'SIGSTORE_ID_TOKEN',
    });
    await expect(
      findIdentityToken({}, recordingContext({ ...env, GITLAB_CI: 'true' })),
    ).resolves.toMatchObject({ source: 'SIGSTORE_ID_TOKEN (GitLab CI id_tokens)' });
    expect(gha.requests).toEqual([]);
  });

  it('then GitHub Actions: GET <url>&audience=sigstore with the bearer token, before the file', async () => {
    await expect(
      findIdentityToken({ 'identity-token-file': tokenFile }, recordingContext(actionsEnv)),
    ).resolves.toEqual({ token: 'gha.jwt.token', source: 'GitHub Actions' });
    expect(gha.requests).toEqual([
      {
        url: '/_apis/token?api-version=2.0&audience=sigstore',
        authorization: 'bearer runner-secret',
      },
    ]);
  });

  it('asks GitHub Actions for --oidc-audience when given', async () => {
    await findIdentityToken({ 'oidc-audience': 'signet-prod' }, recordingContext(actionsEnv));
    expect(gha.requests[0]?.url).toBe('/_apis/token?api-version=2.0&audience=signet-prod');
  });

  it('needs both GitHub Actions variables, then falls back to --identity-token-file (trimmed)', async () => {
    const ctx = recordingContext({ ACTIONS_ID_TOKEN_REQUEST_URL: gha.url, SIGSTORE_ID_TOKEN: '' });
    await expect(findIdentityToken({ 'identity-token-file': tokenFile }, ctx)).resolves.toEqual({
      token: 'file.jwt.token',
      source: tokenFile,
    });
    expect(gha.requests).toEqual([]);
  });

  it('says where to get a token when there is none (exit 2)', async () => {
    await expect(findIdentityToken({}, recordingContext({}))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('no identity token: pass --identity-token'),
    });
    await expect(
      findIdentityToken(
        { 'identity-token-file': join(tmpdir(), 'no-such-signet-token') },
        recordingContext({}),
      ),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('cannot read identity token file'),
    });
  });

  it('maps a failing GitHub endpoint to its exit code and rejects an answer without value', async () => {
    const failing = await actionsEndpoint(503, { message: 'try later' });
    const refusing = await actionsEndpoint(403, { message: 'no id-token permission' });
    const empty = await actionsEndpoint(200, {});
    try {
      const env = (url: string) =>
        recordingContext({ ...actionsEnv, ACTIONS_ID_TOKEN_REQUEST_URL: url });
      await expect(findIdentityToken({}, env(failing.url))).rejects.toMatchObject({
        exitCode: 4,
        message: expect.stringContaining('answered 503: try later'),
      });
      await expect(findIdentityToken({}, env(refusing.url))).rejects.toMatchObject({ exitCode: 3 });
      await expect(findIdentityToken({}, env(empty.url))).rejects.toMatchObject({
        exitCode: 2,
        message: 'GitHub Actions token: the answer has no "value"',
      });
    } finally {
      await Promise.all([failing.close(), refusing.close(), empty.close()]);
    }
  });
});

describe(peekClaims.name, () => {
  it('reads the payload of a JWT and nothing of a non-JWT', () => {
    const payload = Buffer.from(JSON.stringify({ iss: 'https://idp', sub: 'u' })).toString(
      'base64url',
    );
    expect(peekClaims(`e30.${payload}.sig`)).toEqual({ iss: 'https://idp', sub: 'u' });
    expect(peekClaims('not a token')).toEqual({});
  });
});
