/* containers/image (podman, CRI-O, skopeo; OpenShift renders the same files): a policy.json with a
   `sigstoreSigned` requirement for the gated scope, and the registries.d file that makes c/image
   read sigstore attachments there. */
import { usageError } from '../cli/exit-codes';
import { type ExportableTrust, setKeys } from './export-material';
import { base64, type ExportOutput, type ExportRequest, yaml } from './export-request';

const VERIFIER = 'containers/image';
// An e-mail SAN, as c/image compares `subjectEmail` with the certificate's e-mail addresses.
const EMAIL = /^[^@\s/:]+@[A-Za-z0-9.-]+$/;

/**
 * `policy.json` and `registries.d/<name>.yaml`. c/image ≥ 5.24 verifies keyless signatures
 * (`fulcio`) of the legacy `.sig` attachment only, matches `oidcIssuer` and `subjectEmail`
 * exactly (an e-mail SAN; no URI identities, no patterns), and checks the SET with ECDSA keys over
 * SHA-256 only. Throws a usage error (64) for an identity it cannot match, exit 2 when the
 * instance has no ECDSA P-256 log key.
 */
export function containersPolicyExport(
  trust: ExportableTrust,
  request: ExportRequest,
): ExportOutput {
  const { subject, issuer } = request;
  if (subject.kind !== 'exact' || issuer.kind !== 'exact') {
    throw usageError(
      `${VERIFIER} matches the signer's e-mail and issuer exactly (fulcio.subjectEmail, fulcio.oidcIssuer): give --certificate-identity and --certificate-oidc-issuer, not a regexp`,
    );
  }
  if (!EMAIL.test(subject.value)) {
    throw usageError(
      `${VERIFIER} matches only e-mail identities (fulcio.subjectEmail), not ${JSON.stringify(subject.value)}: verify workload identities with policy-controller or Kyverno`,
    );
  }
  const leftOut = [...trust.leftOut];
  const tlogs = setKeys(trust, VERIFIER, leftOut, request.logUrl);
  const { scope, exact } = containersScope(request.imagePattern);
  const rekor =
    tlogs.length === 1
      ? { rekorPublicKeyData: base64(tlogs[0]!.publicKeyPem) }
      : { rekorPublicKeyDatas: tlogs.map((t) => base64(t.publicKeyPem)) };
  const policy = {
    default: [{ type: 'insecureAcceptAnything' }],
    transports: {
      docker: {
        [scope]: [
          {
            type: 'sigstoreSigned',
            fulcio: {
              caData: base64(trust.authorities.map((a) => a.chainPem).join('')),
              oidcIssuer: issuer.value,
              subjectEmail: subject.value,
            },
            ...rekor,
            signedIdentity: { type: 'matchRepository' },
          },
        ],
      },
    },
  };
  // registries.d has no wildcards: the transport-wide and *.domain scopes use default-docker.
  const attachments = { 'use-sigstore-attachments': true };
  const registries =
    scope === '' || scope.startsWith('*.')
      ? { 'default-docker': attachments }
      : { docker: { [scope]: attachments } };
  return {
    files: [
      { path: 'policy.json', text: `${JSON.stringify(policy, null, 2)}\n` },
      { path: `registries.d/${request.name}.yaml`, text: yaml(registries) },
    ],
    notes: [
      ...leftOut.map((l) => `left out ${l}`),
      ...(exact
        ? []
        : [
            `containers/image scopes are repository prefixes: ${JSON.stringify(scope)} gates more images than ${request.imagePattern}`,
          ]),
      ...(tlogs.length > 1
        ? ['rekorPublicKeyDatas (several log keys) needs containers/image 5.33 or later']
        : []),
      'needs containers/image 5.24 or later built with sigstore support (not Debian bookworm: its 5.23 has it patched out), and a legacy .sig signature on each image',
      "merge transports.docker into the host's policy.json; its default accepts other images, as the distributions' policy.json does",
    ],
  };
}

/**
 * The c/image `docker` scope covering a policy-controller glob, and whether it covers exactly
 * that: the literal path segments before the first wildcard (a repository name before `:` or `@`
 * included), `*.domain` for a host wildcard of that form, or `""` (every image) otherwise.
 */
export function containersScope(glob: string): { scope: string; exact: boolean } {
  const segments = glob.split('/');
  const kept: string[] = [];
  for (const [i, segment] of segments.entries()) {
    if (!segment.includes('*')) {
      kept.push(segment);
      continue;
    }
    if (i === 0) {
      const host = /^\*\.[^*:]+$/.test(segment) ? segment : '';
      return { scope: host, exact: glob === '**' || glob === `${host}/**` };
    }
    const repository = /^([^*:@]+)[:@]/.exec(segment)?.[1];
    if (repository !== undefined) kept.push(repository);
    break;
  }
  const scope = kept.join('/');
  return { scope, exact: [scope, `${scope}/**`, `${scope}:**`, `${scope}@**`].includes(glob) };
}
