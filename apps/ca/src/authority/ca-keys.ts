import { Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, developmentKeyRefusal, openSigner, type SignetConfig } from '@app/platform';
import {
  buildIntermediateCertificate,
  certificatesFromPem,
  fingerprintOf,
  parseCertificate,
  type ParsedCertificate,
  type Signer,
  verifyChain,
} from '@app/signing';
import { DEVELOPMENT_ORGANIZATION, developmentPki } from './development-pki';

/** Injection token of the {@link CaKeys} the composition root opened. */
export const CA_KEYS = Symbol('CA_KEYS');

/** The CA's issuing key and the chains it vouches for. */
export interface CaKeys {
  signer: Signer;
  /** Issuing certificate first, root last. */
  chain: ParsedCertificate[];
  /** Earlier chains (from `ca.retiredChains`), still trusted for verifying older signatures. */
  retired: ParsedCertificate[][];
}

/**
 * Opens the CA's keys at the composition root, before Nest builds the services: CA_KEY with
 * CA_CHAIN, or (development) a root and intermediate generated once under SIGNET_DATA_DIR/ca, with
 * a warning. The chain must verify and its first certificate hold CA_KEY's public key.
 */
export async function openCaKeys(
  config: SignetConfig,
  retiredChainFiles: readonly string[],
): Promise<CaKeys> {
  const { ca, dataDir } = config;
  let signer: Signer;
  let chain: ParsedCertificate[];
  if (ca.key !== undefined && ca.chainFile !== undefined) {
    signer = await openSigner(ca.key);
    chain = await readChain(ca.chainFile);
  } else {
    const refusal = developmentKeyRefusal('CA_KEY', config.developmentKeys);
    if (refusal !== undefined) throw new ConfigError([refusal]);
    const dir = join(dataDir, 'ca');
    ({ signer, chain } = await developmentChain(dir));
    new Logger('CaKeys').warn(
      `CA_KEY is unset: issuing with a DEVELOPMENT root and intermediate from ${dir}; never use it in production`,
    );
  }
  const issuing = chain[0];
  if (
    issuing === undefined ||
    fingerprintOf(issuing.publicKey) !== fingerprintOf(signer.publicKey)
  ) {
    await signer.close?.();
    throw new Error('CA_CHAIN: its first certificate does not hold the public key of CA_KEY');
  }
  const root = chain[chain.length - 1]!;
  verifyChain(issuing, chain.slice(1, -1), [root], new Date());
  const retired = await Promise.all(retiredChainFiles.map(readChain));
  return { signer, chain, retired };
}

async function readChain(file: string): Promise<ParsedCertificate[]> {
  return certificatesFromPem(await readFile(file, 'utf8')).map((der) => parseCertificate(der));
}

/** A development root (10 years) and intermediate, created once, shared by every CA process. */
function developmentChain(dir: string): Promise<{ signer: Signer; chain: ParsedCertificate[] }> {
  return developmentPki(dir, {
    issuingName: 'intermediate',
    rootCommonName: 'Signet development root',
    build: (root, issuing, validity) =>
      buildIntermediateCertificate({
        issuer: root.der,
        issuerSigner: root.signer,
        subject: {
          organization: DEVELOPMENT_ORGANIZATION,
          commonName: 'Signet development intermediate',
        },
        subjectPublicKey: issuing.publicKey,
        ...validity,
      }),
  });
}
