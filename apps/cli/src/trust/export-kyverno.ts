/* Kyverno: a `ClusterPolicy` (kyverno.io/v1) whose verifyImages rule checks keyless signatures
   made through this instance, with its CA chains, log key and CT log key inline. */
import { type ExportableTrust, setKeys, sctKeys } from './export-material';
import { type ExportOutput, type ExportRequest, matchFields, yaml } from './export-request';

const VERIFIER = 'Kyverno';

/**
 * The ClusterPolicy YAML. Kyverno's keyless attestor takes one Rekor key and one CT log key
 * (`rekor.pubkey`, `ctlog.pubkey`: a single PEM key each), so each pair of usable keys is one
 * entry of an attestor set that needs any one of them (`count: 1`). `roots` holds every CA
 * certificate: Go takes each certificate of that pool as an anchor. Rekor keys must be ECDSA
 * P-256 (cosign checks a legacy signature's SET as ECDSA over SHA-256 and refuses other Rekor key
 * types), CT keys ECDSA or RSA. Throws exit 2 when no usable key is left.
 */
export function kyvernoExport(trust: ExportableTrust, request: ExportRequest): ExportOutput {
  const leftOut = [...trust.leftOut];
  const tlogs = setKeys(trust, VERIFIER, leftOut, request.logUrl);
  const ctlogs = sctKeys(trust, VERIFIER, leftOut);
  const roots = trust.authorities.map((a) => a.chainPem).join('');
  const entries = tlogs.flatMap((tlog) =>
    ctlogs.map((ctlog) => ({
      keyless: {
        ...matchFields(request.subject, 'subject', 'subjectRegExp'),
        ...matchFields(request.issuer, 'issuer', 'issuerRegExp'),
        roots,
        rekor: { url: tlog.baseUrl, pubkey: tlog.publicKeyPem },
        ctlog: { pubkey: ctlog.publicKeyPem },
      },
    })),
  );
  // Kyverno's `*` also matches `/`: the glob's `**` and `*` both become `*`.
  const imageReference = request.imagePattern.replace(/\*\*/g, '*');
  const policy = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: request.name },
    spec: {
      webhookTimeoutSeconds: 30,
      rules: [
        {
          name: 'verify-signature',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [
            {
              imageReferences: [imageReference],
              failureAction: 'Enforce',
              mutateDigest: true,
              verifyDigest: true,
              required: true,
              attestors: [{ count: 1, entries }],
            },
          ],
        },
      ],
    },
  };
  const broader = /(^|[^*])\*([^*]|$)/.test(request.imagePattern)
    ? [
        `Kyverno's * also matches /: ${imageReference} gates more images than ${request.imagePattern}`,
      ]
    : [];
  return {
    files: [{ text: yaml(policy) }],
    notes: [
      ...leftOut.map((l) => `left out ${l}`),
      ...broader,
      `images matching ${imageReference} must carry a legacy .sig signature (Kyverno's Cosign type reads no bundle referrer on registries without the referrers API)`,
    ],
  };
}
