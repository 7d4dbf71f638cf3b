import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import OpenIDConnectStrategy from 'passport-openidconnect';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { ADMIN_SETTINGS, type AdminSettings } from './admin.config';
import { AdminError } from './admin.error';
import { AdminIdp, type AdminIdpEndpoints } from './admin-idp';
import type { AdminPrincipal } from './principal';
import { roleFor } from './role-bindings';

/** Passport's name of the admin sign-in strategy. */
export const ADMIN_OIDC = 'admin-oidc';
/** Where the IdP sends the browser back: `<CA_PUBLIC_URL>/admin/auth/callback`. */
export const CALLBACK_PATH = '/admin/auth/callback';
/** Session key of the sign-in in flight (state, nonce, PKCE verifier). */
const STATE_KEY = 'admin-oidc';

/** The fields of passport-openidconnect's instance that this subclass completes. */
interface OAuth2Client {
  _authorizeUrl: string;
  _accessTokenUrl: string;
  _clientId: string;
  _clientSecret: string;
  getOAuthAccessToken(
    code: string,
    params: Record<string, string>,
    done: Parameters<AdminIdp['exchangeCode']>[2],
  ): void;
}

/** Claims the sign-in read, and the role they map to (undefined: no binding matched). */
export interface SignedInIdentity {
  readonly principal: AdminPrincipal | undefined;
  readonly issuer: string;
  readonly subject: string;
  readonly display: string;
}

/**
 * passport-openidconnect 0.1.2 with its gaps closed (issue 17):
 * - discovery: endpoints come from the configured issuer's discovery document, fetched on the
 *   first sign-in and retried until it succeeds (503 meanwhile; issuance never waits on it);
 * - PKCE S256 (RFC 7636, as its open PR #110): the verifier rides in the session's state entry,
 *   the challenge on the authorization URL, the verifier on the token request;
 * - the token request is ours (bounded, with a timeout), client authentication client_secret_post;
 * - the ID token's signature is verified with jose against the IdP's JWKS (the strategy itself
 *   only decodes it), with an asymmetric algorithm allow-list, issuer and audience;
 * - state and nonce through the strategy's own SessionStateStore (`nonce: true`), single-use;
 * - the claims reach {@link validate} through @nestjs/passport's callbackArity (the mixin's
 *   callback otherwise has arity 0 and the strategy would pass only a parsed profile).
 */
@Injectable()
export class AdminOidcStrategy extends PassportStrategy(OpenIDConnectStrategy, ADMIN_OIDC, true) {
  readonly idp: AdminIdp | undefined;

  constructor(
    @Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings,
    @Inject(SIGNET_CONFIG) config: SignetConfig,
  ) {
    const oidc = settings.oidc;
    // Placeholders until discovery: the strategy requires the URLs up front.
    const issuer = oidc?.issuer ?? 'https://sign-in.disabled.invalid';
    super({
      issuer,
      authorizationURL: issuer,
      tokenURL: issuer,
      clientID: oidc?.clientId ?? 'disabled',
      clientSecret: config.admin.oidcClientSecret ?? '',
      callbackURL: `${config.caPublicUrl}${CALLBACK_PATH}`,
      scope: (oidc?.scopes ?? []).filter((s) => s !== 'openid'),
      sessionKey: STATE_KEY,
      nonce: true,
      passReqToCallback: true,
      // The strategy's own userinfo read is unbounded: validate() reads it when needed.
      userInfoURL: issuer,
      skipUserProfile: true,
      // Typed as a string, used as a flag (a fresh nonce per sign-in).
    } as unknown as OpenIDConnectStrategy.StrategyOptions);
    this.idp = oidc === undefined ? undefined : new AdminIdp(oidc.issuer, oidc.allowHttp);
  }

  /**
   * Runs on a per-request object (passport 0.7 `Object.create`s the strategy), so the endpoints
   * and the PKCE-aware client set here belong to this request only.
   */
  override authenticate(req: Request, options: Record<string, unknown> = {}): void {
    if (this.idp === undefined) {
      this.error(
        new AdminError('SIGN_IN_DISABLED', 'admin sign-in is not configured (admin.oidc)'),
      );
      return;
    }
    this.idp.discover().then(
      (endpoints) => {
        const callback = typeof req.query.code === 'string' || req.query.error !== undefined;
        const verifier = callback ? storedVerifier(req) : randomBytes(32).toString('base64url');
        this.useEndpoints(endpoints, verifier ?? '');
        super.authenticate(req, callback ? options : { ...options, state: { verifier } });
      },
      (err: unknown) => this.error(err as Error),
    );
  }

  /** RFC 7636 §4.2: the S256 challenge of this request's verifier. */
  override authorizationParams(): object {
    const self = this as unknown as { pkceVerifier: string };
    return {
      code_challenge: createHash('sha256').update(self.pkceVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
  }

  private useEndpoints(endpoints: AdminIdpEndpoints, verifier: string): void {
    const self = this as unknown as { _oauth2: OAuth2Client; pkceVerifier: string };
    const base = self._oauth2;
    const client = Object.create(base) as OAuth2Client;
    client._authorizeUrl = endpoints.authorizationEndpoint;
    client._accessTokenUrl = endpoints.tokenEndpoint;
    client.getOAuthAccessToken = (code, params, done) =>
      this.idp!.exchangeCode(
        endpoints,
        {
          ...params,
          code,
          code_verifier: verifier,
          client_id: base._clientId,
          client_secret: base._clientSecret,
        },
        done,
      );
    self._oauth2 = client;
    self.pkceVerifier = verifier;
  }

  /**
   * Called by the strategy after it checked state, nonce, `iss`, `aud`, `azp` and `exp` on the
   * decoded token: verifies the signature, then maps the claims (the ID token's, completed from
   * userinfo when a bound claim is missing) to a role. Exactly 7 parameters: the arity picks the
   * strategy's `(req, iss, profile, context, idToken, accessToken, refreshToken, done)` form.
   */
  async validate(
    _req: Request,
    _iss: string,
    _profile: unknown,
    _context: unknown,
    idToken: string,
    accessToken: string,
    _refreshToken: string,
  ): Promise<SignedInIdentity> {
    // `this` is the registered strategy here, not the per-request object: ask the (cached) IdP.
    const idp = this.idp!;
    const endpoints = await idp.discover();
    const claims: Record<string, unknown> = {
      ...(await idp.verifyIdToken(endpoints, idToken, this.settings.oidc!.clientId)),
    };
    const bound = this.settings.roleBindings.flatMap((b) => (b.kind === 'claim' ? [b.claim] : []));
    if (bound.some((c) => claims[c] === undefined)) {
      const info = await idp.userinfo(endpoints, accessToken).catch(() => ({}));
      // OIDC Core §5.3.4: userinfo counts only for the same subject.
      if ((info as { sub?: unknown }).sub === claims.sub) {
        for (const [k, v] of Object.entries(info)) if (claims[k] === undefined) claims[k] = v;
      }
    }
    const issuer = idp.issuer;
    const subject = String(claims.sub);
    const display = [claims.email, claims.preferred_username, claims.name, subject].find(
      (v): v is string => typeof v === 'string' && v !== '',
    )!;
    const role = roleFor(this.settings.roleBindings, issuer, claims);
    return {
      issuer,
      subject,
      display,
      principal:
        role === undefined ? undefined : { kind: 'session', issuer, subject, display, role },
    };
  }
}

/** The PKCE verifier stored with the sign-in's state (read before the strategy consumes it). */
function storedVerifier(req: Request): string | undefined {
  const session = req.session as unknown as Record<string, unknown> | undefined;
  const entry = session?.[STATE_KEY] as { state?: { state?: { verifier?: unknown } } } | undefined;
  const verifier = entry?.state?.state?.verifier;
  return typeof verifier === 'string' ? verifier : undefined;
}
