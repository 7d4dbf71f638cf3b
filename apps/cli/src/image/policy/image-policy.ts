/* The image policy file (`signet image verify --policy FILE`, and a deploy-time gate later):
   per image pattern, the identities allowed to sign and the attestations required. Read once,
   validated with errors that name the field. Pure: no I/O, no CLI. */
import { parse } from 'yaml';
import type { FormatRequirement } from '../formats/requirement';
import { type FieldMatcher, fieldMatcher, mapping } from '../../cli/config-fields';
import { compileImageGlob } from './image-glob';

/** An identity allowed to sign: the OIDC issuer and the certificate subject (SAN). */
export interface AllowedIdentity {
  issuer: FieldMatcher;
  subject: FieldMatcher;
}

/** An attestation the image must carry, signed by one of `identities`. */
export interface RequiredAttestation {
  predicateType: string;
  identities: AllowedIdentity[];
}

/** The rule for the images one pattern matches. */
export interface ImageRule {
  /** The pattern as written, and where (`images[2]`), for messages. */
  glob: string;
  at: string;
  pattern: RegExp;
  /** Signatures (cosign `sign/v1` or simple signing) must come from one of these. */
  identities: AllowedIdentity[];
  attestations: RequiredAttestation[];
  require: FormatRequirement;
}

/** A validated policy: rules in file order; the first whose pattern matches decides. */
export interface ImagePolicy {
  images: ImageRule[];
}

/** A policy file that cannot be used; `issues` name each field (`images[0].identities[1].issuer`). */
export class ImagePolicyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source} is not a valid image policy: ${issues.join('; ')}`);
    this.name = 'ImagePolicyError';
  }
}

/**
 * Parses and validates policy YAML (`source` names it in errors):
 *
 * ```yaml
 * images:
 *   - glob: registry.corp/team/*          # * one path segment, ** any, ? one character
 *     require: any                         # bundle | legacy | any (default any)
 *     identities:                          # who may sign (at least one)
 *       - issuer: https://token.actions.githubusercontent.com   # or issuerRegExp
 *         subjectRegExp: https://github\.com/corp/.*            # or subject
 *     attestations:                        # optional
 *       - predicateType: https://slsa.dev/provenance/v1
 *         identities: [...]                # optional; default the image's identities
 * ```
 * Regexps must match the whole value. Throws {@link ImagePolicyError} listing every problem.
 */
export function parseImagePolicy(text: string, source: string): ImagePolicy {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ImagePolicyError(source, [`not YAML: ${(err as Error).message}`]);
  }
  const issues: string[] = [];
  const root = mapping(doc, '(top level)', issues, ['images']);
  const images = root?.images;
  if (!Array.isArray(images) || images.length === 0) {
    issues.push('images: must be a non-empty list');
    throw new ImagePolicyError(source, issues);
  }
  const rules = images.map((image, i) => imageRule(image, `images[${i}]`, issues));
  if (issues.length > 0) throw new ImagePolicyError(source, issues);
  return { images: rules as ImageRule[] };
}

function imageRule(value: unknown, at: string, issues: string[]): ImageRule | undefined {
  const o = mapping(value, at, issues, ['glob', 'require', 'identities', 'attestations']);
  if (o === undefined) return undefined;
  let pattern: RegExp | undefined;
  if (typeof o.glob !== 'string') issues.push(`${at}.glob: must be a string`);
  else {
    try {
      pattern = compileImageGlob(o.glob);
    } catch (err) {
      issues.push(`${at}.glob: ${(err as Error).message}`);
    }
  }
  const require = o.require ?? 'any';
  if (require !== 'any' && require !== 'bundle' && require !== 'legacy') {
    issues.push(`${at}.require: must be bundle, legacy or any`);
  }
  const identities = identityList(o.identities, `${at}.identities`, issues, true) ?? [];
  const attestations =
    o.attestations === undefined
      ? []
      : !Array.isArray(o.attestations)
        ? (issues.push(`${at}.attestations: must be a list`), [])
        : o.attestations.map((a, j) =>
            attestation(a, `${at}.attestations[${j}]`, identities, issues),
          );
  return {
    glob: String(o.glob),
    at,
    pattern: pattern ?? /$^/,
    identities,
    attestations: attestations.filter((a): a is RequiredAttestation => a !== undefined),
    require: require as FormatRequirement,
  };
}

function attestation(
  value: unknown,
  at: string,
  defaults: AllowedIdentity[],
  issues: string[],
): RequiredAttestation | undefined {
  const o = mapping(value, at, issues, ['predicateType', 'identities']);
  if (o === undefined) return undefined;
  if (
    typeof o.predicateType !== 'string' ||
    !/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(o.predicateType)
  ) {
    issues.push(`${at}.predicateType: must be a URI`);
  }
  const identities = identityList(o.identities, `${at}.identities`, issues, false) ?? defaults;
  return { predicateType: String(o.predicateType), identities };
}

function identityList(
  value: unknown,
  at: string,
  issues: string[],
  required: boolean,
): AllowedIdentity[] | undefined {
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    issues.push(`${at}: must be a non-empty list of {issuer|issuerRegExp, subject|subjectRegExp}`);
    return undefined;
  }
  return value.flatMap((v, i) => {
    const where = `${at}[${i}]`;
    const o = mapping(v, where, issues, ['issuer', 'issuerRegExp', 'subject', 'subjectRegExp']);
    if (o === undefined) return [];
    const issuer = fieldMatcher(o, 'issuer', where, issues);
    const subject = fieldMatcher(o, 'subject', where, issues);
    return issuer === undefined || subject === undefined ? [] : [{ issuer, subject }];
  });
}
