/* sigstore/policy-controller: a `TrustRoot` (policy.sigstore.dev/v1alpha1, spec.sigstoreKeys) with
   this instance's keys, and a `ClusterImagePolicy` (v1beta1) whose keyless authority trusts it. */
import { type ExportableTrust, type ExportedAuthority, setKeys, sctKeys } from './export-material';
import { base64, type ExportOutput, type ExportRequest, matchFields, yaml } from './export-request';

const VERIFIER = 'policy-controller';

/**
 * The TrustRoot and ClusterImagePolicy YAML (two documents). Only ECDSA P-256 log keys are listed:
 * policy-controller refuses a TrustRoot with any other transparency-log key type (webhook
 * `rekorKeysFromTrustRef`: "is not ecdsa.PublicKey") and cosign checks the SET of a legacy `.sig`
 * signature as ECDSA over SHA-256; CT keys must be ECDSA or RSA (certificate-transparency-go).
 * The authority verifies legacy `.sig` signatures (`signatureFormat: legacy`): policy-controller
 * cannot yet verify cosign v3 bundle signatures. Throws exit 2 when no usable key is left.
 */
export function policyControllerExport(
  trust: ExportableTrust,
  request: ExportRequest,
): ExportOutput {
  const leftOut = [...trust.leftOut];
  const tlogs = setKeys(trust, VERIFIER, leftOut, request.logUrl);
  const ctlogs = sctKeys(trust, VERIFIER, leftOut);
  // The webhook builds its Rekor client from the last tlog listed: the first one's URL (the
  // Rekor v1 API, which Signet's trusted root lists first) goes last.
  const rekorUrl = tlogs[0]!.baseUrl;
  const ordered = [
    ...tlogs.filter((t) => t.baseUrl !== rekorUrl),
    ...tlogs.filter((t) => t.baseUrl === rekorUrl),
  ];
  const log = (key: { baseUrl: string; publicKeyPem: string }) => ({
    baseURL: key.baseUrl,
    hashAlgorithm: 'sha-256',
    publicKey: base64(key.publicKeyPem),
  });
  const trustRoot = {
    apiVersion: 'policy.sigstore.dev/v1alpha1',
    kind: 'TrustRoot',
    metadata: { name: request.name },
    spec: {
      sigstoreKeys: {
        certificateAuthorities: trust.authorities.map(authority),
        tLogs: ordered.map(log),
        ctLogs: ctlogs.map(log),
        ...(trust.timestampAuthorities.length === 0
          ? {}
          : { timestampAuthorities: trust.timestampAuthorities.map(authority) }),
      },
    },
  };
  const policy = {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: request.name },
    spec: {
      images: [{ glob: request.imagePattern }],
      authorities: [
        {
          name: request.name,
          keyless: {
            url: trust.authorities[0]!.uri,
            trustRootRef: request.name,
            identities: [
              {
                ...matchFields(request.issuer, 'issuer', 'issuerRegExp'),
                ...matchFields(request.subject, 'subject', 'subjectRegExp'),
              },
            ],
          },
          ctlog: { url: rekorUrl, trustRootRef: request.name },
          signatureFormat: 'legacy',
        },
      ],
    },
  };
  return {
    files: [{ text: `${yaml(trustRoot)}---\n${yaml(policy)}` }],
    notes: [
      ...leftOut.map((l) => `left out ${l}`),
      `images matching ${request.imagePattern} in namespaces labelled policy.sigstore.dev/include=true must carry a legacy .sig signature (signet image sign --format legacy or both)`,
    ],
  };
}

function authority(a: ExportedAuthority) {
  return { subject: a.subject, uri: a.uri, certChain: base64(a.chainPem) };
}
