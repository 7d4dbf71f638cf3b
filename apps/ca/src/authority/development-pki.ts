import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOnce, developmentSigner } from '@app/platform';
import {
  buildRootCertificate,
  certificatesFromPem,
  certificatesToPem,
  parseCertificate,
  type ParsedCertificate,
  type Signer,
} from '@app/signing';

/** How a development PKI names its issuing key and builds its certificate under the root. */
export interface DevelopmentPki {
  /** The issuing key's name under `dir/keys`. */
  issuingName: string;
  rootCommonName: string;
  build(
    root: { der: Uint8Array; signer: Signer },
    issuing: Signer,
    validity: { notBefore: Date; notAfter: Date },
  ): Promise<Uint8Array>;
}

/** The organization every development certificate names. */
export const DEVELOPMENT_ORGANIZATION = 'Signet (development)';

/**
 * A development root (10 years) and an issuing key and certificate under it, created once in
 * `dir` and shared by every process: the CA's development chain and the development TSA. Returns
 * the issuing signer and the chain, issuing certificate first.
 */
export async function developmentPki(
  dir: string,
  pki: DevelopmentPki,
): Promise<{ signer: Signer; chain: ParsedCertificate[] }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const root = await developmentSigner(dir, 'root');
  const issuing = await developmentSigner(dir, pki.issuingName);
  const chainPath = join(dir, 'chain.pem');
  const validity = {
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 10 * 365 * 86_400_000),
  };
  const rootDer = await buildRootCertificate({
    signer: root.signer,
    subject: { organization: DEVELOPMENT_ORGANIZATION, commonName: pki.rootCommonName },
    ...validity,
  });
  const issuingDer = await pki.build(
    { der: rootDer, signer: root.signer },
    issuing.signer,
    validity,
  );
  // A process that started at the same time may have written its chain first: keep that one.
  await createOnce(chainPath, (tmp) =>
    writeFile(tmp, certificatesToPem([issuingDer, rootDer]), { flag: 'wx' }),
  );
  await root.signer.close?.();
  const chain = certificatesFromPem(await readFile(chainPath, 'utf8')).map((der) =>
    parseCertificate(der),
  );
  return { signer: issuing.signer, chain };
}
