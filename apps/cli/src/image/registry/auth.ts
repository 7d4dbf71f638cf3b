/* Registry authentication after a 401 (distribution `docs/spec/auth/token.md`): Basic with the
   configured user and password, or a Bearer token from the challenge's realm for
   `repository:<repo>:<actions>`, fetched with those credentials (GET) or with an identity token
   (OAuth2 refresh_token POST, `docs/spec/auth/oauth.md`), anonymously when there are none.
   Tokens are cached per registry and scope until they expire. */
import { CliError, ExitCode } from '../../cli/exit-codes';
import type { RegistryCredentials } from './docker-config';
import type { Transport } from './transport';
import { parseWwwAuthenticate } from './www-authenticate';

/** What a request needs to do in its repository. */
export type Access = 'pull' | 'pull,push';

type Scheme = { scheme: 'basic' } | { scheme: 'bearer'; realm: string; service?: string };

const TOKEN_MAX_BYTES = 1024 * 1024;
// distribution's token spec: "If not specified, the client should assume 60 seconds".
const DEFAULT_TOKEN_SECONDS = 60;

/** The Authorization headers for one client's registries. */
export class RegistryAuth {
  private readonly schemes = new Map<string, Scheme>();
  private readonly tokens = new Map<string, { header: string; expires: number }>();
  private readonly credentials = new Map<string, Promise<RegistryCredentials | undefined>>();

  constructor(
    private readonly transport: Transport,
    private readonly lookup: (registry: string) => Promise<RegistryCredentials | undefined>,
    /** Names where credentials would be configured, for the "none found" message. */
    private readonly configHint: (registry: string) => string,
  ) {}

  /** The header to send before any 401, when an earlier answer taught us one. */
  async known(registry: string, repository: string, access: Access): Promise<string | undefined> {
    const scheme = this.schemes.get(registry);
    if (scheme?.scheme === 'basic') return this.basic(registry);
    const token = this.tokens.get(tokenKey(registry, repository, access));
    return token !== undefined && token.expires > Date.now() ? token.header : undefined;
  }

  /** The header answering `challenge` (a 401's WWW-Authenticate); a fresh token for Bearer. */
  async answer(
    registry: string,
    repository: string,
    access: Access,
    challenge: string | undefined,
  ): Promise<string> {
    const parsed = parseWwwAuthenticate(challenge ?? '');
    const bearer = parsed.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer !== undefined) {
      const scheme: Scheme = {
        scheme: 'bearer',
        realm: bearer.params.realm!,
        ...(bearer.params.service !== undefined && { service: bearer.params.service }),
      };
      this.schemes.set(registry, scheme);
      return this.token(registry, repository, access, scheme);
    }
    if (parsed.some((c) => c.scheme === 'basic')) {
      this.schemes.set(registry, { scheme: 'basic' });
      const header = await this.basic(registry);
      if (header === undefined) throw await this.refused(registry);
      return header;
    }
    throw new CliError(
      ExitCode.error,
      `registry ${registry} asks for authentication this client does not speak (WWW-Authenticate: ${
        parsed.map((c) => c.scheme).join(', ') || 'none'
      })`,
    );
  }

  /**
   * The error for credentials the registry (or its token service) refused, or for none where it
   * wants some. Names where they came from, never what they are.
   */
  async refused(registry: string, by = `registry ${registry}`): Promise<CliError> {
    const credentials = await this.credentialsFor(registry);
    return new CliError(
      ExitCode.error,
      credentials === undefined
        ? `registry ${registry} requires credentials and none are configured for it (${this.configHint(registry)})`
        : `${by} refused the credentials from ${credentials.source}`,
      { code: 'REGISTRY_UNAUTHORIZED' },
    );
  }

  private credentialsFor(registry: string): Promise<RegistryCredentials | undefined> {
    let found = this.credentials.get(registry);
    if (found === undefined) {
      found = this.lookup(registry);
      this.credentials.set(registry, found);
    }
    return found;
  }

  private async basic(registry: string): Promise<string | undefined> {
    const credentials = await this.credentialsFor(registry);
    if (credentials === undefined) return undefined;
    if (credentials.kind !== 'basic') {
      throw new CliError(
        ExitCode.error,
        `registry ${registry} asks for Basic authentication, but ${credentials.source} holds an identity token`,
      );
    }
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  private async token(
    registry: string,
    repository: string,
    access: Access,
    scheme: { realm: string; service?: string },
  ): Promise<string> {
    const scope = `repository:${repository}:${access}`;
    const credentials = await this.credentialsFor(registry);
    const realm = new URL(scheme.realm);
    let answer;
    if (credentials?.kind === 'identityToken') {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credentials.token,
        client_id: 'signet',
        scope,
        ...(scheme.service !== undefined && { service: scheme.service }),
      });
      answer = await this.transport.send({
        method: 'POST',
        url: realm.href,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
        maxBytes: TOKEN_MAX_BYTES,
      });
    } else {
      if (scheme.service !== undefined) realm.searchParams.set('service', scheme.service);
      realm.searchParams.set('scope', scope);
      answer = await this.transport.send({
        method: 'GET',
        url: realm.href,
        maxBytes: TOKEN_MAX_BYTES,
        ...(credentials !== undefined && { authorization: (await this.basic(registry))! }),
      });
    }
    if (answer.status === 401 || answer.status === 403) {
      throw await this.refused(
        registry,
        `the token service ${realm.origin} of registry ${registry}`,
      );
    }
    if (answer.status !== 200) {
      throw new CliError(
        answer.status >= 500 || answer.status === 429 ? ExitCode.unavailable : ExitCode.error,
        `registry ${registry}: token service ${realm.origin} answered ${answer.status}`,
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.body.toString('utf8')) as typeof body;
    } catch (err) {
      throw new CliError(
        ExitCode.error,
        `registry ${registry}: token service ${realm.origin} did not answer JSON`,
        {
          cause: err,
        },
      );
    }
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new CliError(
        ExitCode.error,
        `registry ${registry}: token service ${realm.origin} answered no token`,
      );
    }
    const seconds = typeof body.expires_in === 'number' ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    const header = `Bearer ${token}`;
    // Renew 10 s early, so a token does not expire between our check and the registry's.
    this.tokens.set(tokenKey(registry, repository, access), {
      header,
      expires: Date.now() + Math.max(0, seconds - 10) * 1000,
    });
    return header;
  }
}

const tokenKey = (registry: string, repository: string, access: Access) =>
  `${registry} repository:${repository}:${access}`;
