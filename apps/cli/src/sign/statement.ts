/* in-toto Statement v1 about one file (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md). */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { usageError } from '../cli/exit-codes';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

/** `--type` short names, as cosign names them, and their predicate type URIs. */
export const PREDICATE_TYPES: Readonly<Record<string, string>> = {
  slsaprovenance: 'https://slsa.dev/provenance/v1',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/** The predicate type URI for a `--type` value: a short name, or an absolute URI. */
export function predicateTypeOf(type: string): string {
  const known = PREDICATE_TYPES[type.toLowerCase()];
  if (known !== undefined) return known;
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(type)) return type;
  throw usageError(
    `--type ${JSON.stringify(type)} is neither ${Object.keys(PREDICATE_TYPES).join(', ')} nor a URI`,
  );
}

/** A Statement whose one subject is `fileName`'s basename with the sha256 of `data`. */
export function statementFor(
  fileName: string,
  data: Uint8Array,
  predicateType: string,
  predicate: unknown,
): Record<string, unknown> {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [
      {
        name: basename(fileName),
        digest: { sha256: createHash('sha256').update(data).digest('hex') },
      },
    ],
    predicateType,
    predicate,
  };
}
