/* What `signet trust-root export` is asked for: the format, who must have signed, which images
   are gated and what the exported objects are named. */
import { RE2JS } from 're2js';
import { stringify } from 'yaml';
import { usageError } from '../cli/exit-codes';
import { identityOptions } from '../verify/identity-policy';

export const EXPORT_FORMATS = ['policy-controller', 'kyverno', 'containers-policy'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An exact value, or an RE2 pattern anchored as `^(?:…)$` (the meaning `signet verify` gives it). */
export type ValueMatch = { kind: 'exact'; value: string } | { kind: 'regexp'; pattern: string };

/** Everything a format needs besides the trust material. */
export interface ExportRequest {
  format: ExportFormat;
  /** Name of the Kubernetes objects (and of the registries.d file). */
  name: string;
  subject: ValueMatch;
  issuer: ValueMatch;
  /** policy-controller glob: `*` within one path segment, `**` across segments. */
  imagePattern: string;
  /** The instance's Rekor v1 URL (--log-url), to tell its keys from Rekor v2 shards'. */
  logUrl?: string;
}

/** The options of `signet trust-root export` besides the instance and trust options. */
export const exportOptions = {
  format: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  'image-pattern': { type: 'string' },
  // The identity flags of `signet verify`, with the same meaning.
  'certificate-identity': identityOptions['certificate-identity'],
  'certificate-identity-regexp': identityOptions['certificate-identity-regexp'],
  'certificate-oidc-issuer': identityOptions['certificate-oidc-issuer'],
  'certificate-oidc-issuer-regexp': identityOptions['certificate-oidc-issuer-regexp'],
} as const;

type ExportValues = Partial<Record<keyof typeof exportOptions, string>>;

// policy-controller's glob alphabet (pkg/apis/glob: validGlob).
const GLOB = /^[a-zA-Z0-9\-_:/*.@]+$/;
// A DNS-1123 subdomain, as Kubernetes object names must be.
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The request from parsed options; usage error (64) naming the flag for anything missing or bad. */
export function exportRequestFrom(values: ExportValues): ExportRequest {
  const format = values.format;
  if (format === undefined) {
    throw usageError(`--format is required: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw usageError(
      `--format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
    );
  }
  const name = values.name ?? 'signet';
  if (name.length > 253 || !NAME.test(name)) {
    throw usageError(
      `--name must be a Kubernetes object name (lower-case letters, digits, - and .), got ${JSON.stringify(name)}`,
    );
  }
  const imagePattern = values['image-pattern'] ?? '**';
  if (!GLOB.test(imagePattern) || imagePattern.includes('***')) {
    throw usageError(
      `--image-pattern must be a glob of letters, digits and - _ : / . @ with * (one path segment) or ** (any), got ${JSON.stringify(imagePattern)}`,
    );
  }
  return {
    format: format as ExportFormat,
    name,
    subject: valueMatch(values, 'certificate-identity'),
    issuer: valueMatch(values, 'certificate-oidc-issuer'),
    imagePattern,
  };
}

function valueMatch(
  values: ExportValues,
  flag: 'certificate-identity' | 'certificate-oidc-issuer',
): ValueMatch {
  const value = values[flag];
  const pattern = values[`${flag}-regexp`];
  if (value !== undefined && pattern !== undefined) {
    throw usageError(`give --${flag} or --${flag}-regexp, not both`);
  }
  if (value !== undefined) return { kind: 'exact', value };
  if (pattern === undefined) {
    throw usageError(
      `--${flag} or --${flag}-regexp is required: the export says who must have signed`,
    );
  }
  // The verifiers are Go programs: the pattern must mean the same in RE2 as it does to signet.
  const anchored = `^(?:${pattern})$`;
  try {
    RE2JS.compile(anchored);
    new RegExp(anchored);
  } catch (err) {
    throw usageError(
      `--${flag}-regexp: not a regular expression both RE2 (Go) and signet read: ${(err as Error).message}`,
    );
  }
  return { kind: 'regexp', pattern: anchored };
}

/** `{exact, regexp}` keys as a format names them, set from `match`. */
export function matchFields<E extends string, R extends string>(
  match: ValueMatch,
  exact: E,
  regexp: R,
): Partial<Record<E | R, string>> {
  return (
    match.kind === 'exact' ? { [exact]: match.value } : { [regexp]: match.pattern }
  ) as Partial<Record<E | R, string>>;
}

/** What an export writes: one or more files and the notes to show with them. */
export interface ExportOutput {
  /** Paths relative to the output directory; a single file has no path (it is --out or stdout). */
  files: { path?: string; text: string }[];
  notes: string[];
}

/** `[]byte` fields of the CRDs are base64 in YAML. */
export function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** YAML as kubectl reads it, long base64 values on one line. */
export function yaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
