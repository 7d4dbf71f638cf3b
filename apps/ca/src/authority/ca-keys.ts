import { Logger } from '@nestjs/common';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  createOnce,
  developmentKeyRefusal,
  developmentSigner,
  openSigner,
  type SignetConfig,
} from '@app/platform';
import {
  buildIntermediateCertificate,
  buildRootCertificate,
  certificatesFromPem,
  certificatesToPem,
  fingerprintOf,
  parseCertificate,
  type ParsedCertificate,
  type Signer,
  verifyChain,
} from '@app/signing';

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
async function developmentChain(
  dir: string,
): Promise<{ signer: Signer; chain: ParsedCertificate[] }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const root = await developmentSigner(dir, 'root');
  const intermediate = await developmentSigner(dir, 'intermediate');
  const chainPath = join(dir, 'chain.pem');
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const rootDer = await buildRootCertificate({
    signer: root.signer,
    subject: { organization: 'Signet (development)', commonName: 'Signet development root' },
    notBefore,
    notAfter,
  });
  const intermediateDer = await buildIntermediateCertificate({
    issuer: rootDer,
    issuerSigner: root.signer,
    subject: {
      organization: 'Signet (development)',
      commonName: 'Signet development intermediate',
    },
    subjectPublicKey: intermediate.signer.publicKey,
    notBefore,
    notAfter,
  });
  // A process that started at the same time may have written its chain first: keep that one.
  await createOnce(chainPath, (tmp) =>
    writeFile(tmp, certificatesToPem([intermediateDer, rootDer]), { flag: 'wx' }),
  );
  const chain = certificatesFromPem(await readFile(chainPath, 'utf8')).map((der) =>
    parseCertificate(der),
  );
  return { signer: intermediate.signer, chain };
}
