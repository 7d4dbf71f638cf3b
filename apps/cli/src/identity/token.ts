/* Where `signet sign` and `signet attest` get their OIDC identity token. */
import { readFile } from 'node:fs/promises';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode } from '../cli/exit-codes';
import { requestJson } from '../cli/http';

/** The command-line options that name a token or its audience. */
export interface TokenOptions {
  'identity-token'?: string;
  'identity-token-file'?: string;
  'oidc-audience'?: string;
}

/** A token and where it came from (for status lines; never print the token). */
export interface FoundToken {
  token: string;
  source: string;
}

/** The audience asked of CI token endpoints when `--oidc-audience` is not given. */
export const DEFAULT_AUDIENCE = 'sigstore';

/**
 * Finds the identity token, trying in order: `--identity-token`; `SIGSTORE_ID_TOKEN` (also how
 * GitLab CI hands over an `id_tokens:` token); GitHub Actions (`ACTIONS_ID_TOKEN_REQUEST_URL` +
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, asked for audience `--oidc-audience`, default `sigstore`);
 * `--identity-token-file`. Throws exit 2 when none is available, or the code of the GitHub
 * endpoint's failure.
 */
export async function findIdentityToken(
  options: TokenOptions,
  ctx: CliContext,
): Promise<FoundToken> {
  const flag = options['identity-token']?.trim();
  if (flag) return { token: flag, source: '--identity-token' };
  const env = ctx.env.SIGSTORE_ID_TOKEN?.trim();
  if (env) {
    const gitlab = ctx.env.GITLAB_CI === 'true' ? ' (GitLab CI id_tokens)' : '';
    return { token: env, source: `SIGSTORE_ID_TOKEN${gitlab}` };
  }
  const { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer } = ctx.env;
  if (url && bearer) {
    const audience = options['oidc-audience'] ?? DEFAULT_AUDIENCE;
    return {
      token: await githubActionsToken(ctx, url, bearer, audience),
      source: 'GitHub Actions',
    };
  }
  const file = options['identity-token-file'];
  if (file !== undefined) {
    const token = (await readTokenFile(file)).trim();
    if (token) return { token, source: file };
    throw new CliError(ExitCode.error, `identity token file ${file} is empty`);
  }
  throw new CliError(
    ExitCode.error,
    'no identity token: pass --identity-token or --identity-token-file, set SIGSTORE_ID_TOKEN ' +
      '(GitLab CI: an id_tokens: entry of that name), or run in GitHub Actions with ' +
      '`permissions: id-token: write`',
  );
}

/** GitHub Actions' OIDC endpoint: GET `<url>&audience=<aud>` with `Authorization: bearer`. */
async function githubActionsToken(
  ctx: CliContext,
  requestUrl: string,
  bearer: string,
  audience: string,
): Promise<string> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new CliError(ExitCode.error, 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL');
  }
  url.searchParams.append('audience', audience);
  const body = await requestJson<{ value?: unknown }>(ctx, 'GitHub Actions token', url.href, {
    headers: { authorization: `bearer ${bearer}` },
  });
  if (typeof body.value !== 'string' || body.value === '') {
    throw new CliError(ExitCode.error, 'GitHub Actions token: the answer has no "value"');
  }
  return body.value;
}

async function readTokenFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `cannot read identity token file ${file}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** The unverified claims of a JWT, for status lines only (the CA verifies the token). */
export function peekClaims(token: string): Record<string, unknown> {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
