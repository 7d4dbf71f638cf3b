import type { LeafSubjectAltName } from '@app/signing';
import { definedEntries, type Claims } from './claims';
import { githubWorkflowIdentity, gitlabPipelineIdentity } from './ci-principals';
import { IdentityError, quote } from './identity.error';
import type { IssuerConfig, IssuerType } from './issuer-config';
import { FulcioOid as Oid } from './oids';

/** A verified identity: who the token says the caller is, and what their certificate will say. */
export interface Principal {
  /** The token's `iss`, exactly. */
  issuer: string;
  issuerType: IssuerType;
  /** The token's `sub`. */
  subject: string;
  /**
   * What the proof of possession must sign: the `email` claim when the token has one (what
   * sigstore-js and cosign sign), else `sub`.
   */
  challenge: string;
  /** The subject alternative name the certificate will carry. */
  san: LeafSubjectAltName;
  /** Fulcio OID (dotted) → value: always `.1` and `.8` (issuer) and `.24` (sub); CI types add more. */
  extensions: Record<string, string>;
  /** Every verified claim, for IAM rules. */
  claims: Claims;
}

/**
 * Maps verified claims to a {@link Principal} with Fulcio's semantics for `config.type`
 * (`pkg/identity/<type>/principal.go`, ca-peers.md §1.3, §1.6).
 * Requires the token's signature, issuer, audience and lifetime to have been verified already.
 *
 * @throws IdentityError `MISSING_CLAIM`, `INVALID_CLAIM` or `EMAIL_NOT_VERIFIED` naming the claim.
 */
export function buildPrincipal(config: IssuerConfig, issuer: string, claims: Claims): Principal {
  const subject = claims['sub'];
  if (typeof subject !== 'string' || subject === '') {
    throw new IdentityError('MISSING_CLAIM', `token from ${issuer} has no sub claim`);
  }
  const email = claims['email'];
  const challenge = typeof email === 'string' && email !== '' ? email : subject;
  const { san, extensions } = identityOf(config, issuer, subject, claims);
  return {
    issuer,
    issuerType: config.type,
    subject,
    challenge,
    san,
    extensions: definedEntries([
      [Oid.issuerV1, issuer],
      [Oid.issuerV2, issuer],
      ...Object.entries(extensions),
      [Oid.tokenSubject, subject],
    ]),
    claims: Object.freeze({ ...claims }),
  };
}

function identityOf(
  config: IssuerConfig,
  issuer: string,
  subject: string,
  claims: Claims,
): { san: LeafSubjectAltName; extensions: Record<string, string | undefined> } {
  switch (config.type) {
    case 'email':
      return { san: { type: 'email', value: verifiedEmail(config, claims) }, extensions: {} };
    case 'github-workflow': {
      const ci = githubWorkflowIdentity(issuer, claims);
      return { san: { type: 'uri', value: ci.san }, extensions: ci.extensions };
    }
    case 'gitlab-pipeline': {
      const ci = gitlabPipelineIdentity(issuer, claims);
      return { san: { type: 'uri', value: ci.san }, extensions: ci.extensions };
    }
    case 'kubernetes':
      return { san: { type: 'uri', value: kubernetesUri(claims) }, extensions: {} };
    case 'spiffe':
      checkSpiffeId(subject, config.spiffeTrustDomain ?? '');
      return { san: { type: 'uri', value: subject }, extensions: {} };
    case 'uri':
      checkUriSubject(subject, config.subjectDomain ?? '');
      return { san: { type: 'uri', value: subject }, extensions: {} };
    case 'username':
      if (subject.includes('!') || subject.includes('@')) {
        throw new IdentityError(
          'INVALID_CLAIM',
          `username sub must not contain '!' or '@', got ${quote(subject)}`,
        );
      }
      return {
        san: { type: 'otherName', value: `${subject}!${config.subjectDomain ?? ''}` },
        extensions: {},
      };
  }
}

/** A deliberately loose address check (one `@`, no spaces, a dotted domain), like Fulcio's. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function verifiedEmail(config: IssuerConfig, claims: Claims): string {
  const email = claims['email'];
  if (email === undefined || email === null || email === '') {
    throw new IdentityError('MISSING_CLAIM', 'email token has no email claim');
  }
  if (typeof email !== 'string' || !EMAIL.test(email)) {
    throw new IdentityError('INVALID_CLAIM', `email claim is not an address: ${quote(email)}`);
  }
  const verified = claims['email_verified'];
  if (config.skipEmailVerification !== true && verified !== true) {
    throw new IdentityError(
      'EMAIL_NOT_VERIFIED',
      verified === undefined
        ? `token has no email_verified claim for ${quote(email)}; the issuer must assert it`
        : `email_verified is ${quote(verified)} for ${quote(email)}; it must be true`,
    );
  }
  return email;
}

/** Kubernetes object names (RFC 1123 subdomain): they become path segments of the SAN. */
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function kubernetesUri(claims: Claims): string {
  const k8s = claims['kubernetes.io'];
  if (typeof k8s !== 'object' || k8s === null) {
    throw new IdentityError('MISSING_CLAIM', 'kubernetes token has no kubernetes.io claim');
  }
  const record = k8s as Record<string, unknown>;
  const account = record['serviceaccount'] as Record<string, unknown> | undefined;
  const names = [
    ['kubernetes.io.namespace', record['namespace']],
    [
      'kubernetes.io.serviceaccount.name',
      typeof account === 'object' ? account?.['name'] : undefined,
    ],
  ] as const;
  for (const [name, value] of names) {
    if (value === undefined || value === null || value === '') {
      throw new IdentityError('MISSING_CLAIM', `kubernetes token has no ${name} claim`);
    }
    if (typeof value !== 'string' || !K8S_NAME.test(value)) {
      throw new IdentityError('INVALID_CLAIM', `${name} is not a Kubernetes name: ${quote(value)}`);
    }
  }
  return `https://kubernetes.io/namespaces/${names[0][1] as string}/serviceaccounts/${names[1][1] as string}`;
}

/** SPIFFE ID syntax (SPIFFE-ID spec §2): `spiffe://<trust domain>[/<segment>...]`. */
const SPIFFE_ID = /^spiffe:\/\/([a-z0-9._-]+)((?:\/[a-zA-Z0-9._-]+)*)$/;

function checkSpiffeId(subject: string, trustDomain: string): void {
  const match = SPIFFE_ID.exec(subject);
  const path = match?.[2] ?? '';
  if (match === null || path.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new IdentityError('INVALID_CLAIM', `sub is not a SPIFFE ID: ${quote(subject)}`);
  }
  if (match[1] !== trustDomain) {
    throw new IdentityError(
      'INVALID_CLAIM',
      `SPIFFE ID trust domain ${quote(match[1])} does not match the issuer's trust domain ${quote(trustDomain)}`,
    );
  }
}

function checkUriSubject(subject: string, subjectDomain: string): void {
  if (EMAIL.test(subject) && !subject.includes('://')) {
    throw new IdentityError(
      'INVALID_CLAIM',
      `uri sub must not be an email address: ${quote(subject)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(subject);
  } catch {
    throw new IdentityError('INVALID_CLAIM', `uri sub is not an absolute URI: ${quote(subject)}`);
  }
  const domain = new URL(subjectDomain);
  if (url.protocol !== domain.protocol || url.hostname !== domain.hostname) {
    throw new IdentityError(
      'INVALID_CLAIM',
      `uri sub ${quote(subject)} must have scheme and host ${domain.protocol}//${domain.hostname}`,
    );
  }
}
