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
  buildRootCertificate,
  buildTimestampingCertificate,
  certificatesFromPem,
  certificatesToPem,
  parseCertificate,
  type ParsedCertificate,
  type TimestampAuthority,
  tsaChainProblem,
} from '@app/signing';

/** Injection token of the {@link TimestampAuthority} the composition root opened. */
export const TSA_KEYS = Symbol('TSA_KEYS');

/**
 * Opens the timestamp authority at the composition root: TSA_KEY with TSA_CHAIN, or
 * (development) a root and TSA certificate generated once under SIGNET_DATA_DIR/timestamp, with
 * a warning. The chain must verify now, its first certificate hold TSA_KEY's public key and have
 * extKeyUsage timeStamping alone and critical (RFC 3161 §2.3), and the key be ECDSA.
 */
export async function openTsaKeys(config: SignetConfig): Promise<TimestampAuthority> {
  const { tsa, dataDir } = config;
  let authority: { signer: TimestampAuthority['signer']; chain: ParsedCertificate[] };
  if (tsa.key !== undefined && tsa.chainFile !== undefined) {
    authority = {
      signer: await openSigner(tsa.key),
      chain: certificatesFromPem(await readFile(tsa.chainFile, 'utf8')).map((d) =>
        parseCertificate(d),
      ),
    };
  } else {
    const refusal = developmentKeyRefusal('TSA_KEY', config.developmentKeys);
    if (refusal !== undefined) throw new ConfigError([refusal]);
    const dir = join(dataDir, 'timestamp');
    authority = await developmentTsa(dir);
    new Logger('TsaKeys').warn(
      `TSA_KEY is unset: timestamping with a DEVELOPMENT key and chain from ${dir}; never use it in production`,
    );
  }
  const problem = tsaChainProblem(authority.signer, authority.chain);
  if (problem !== undefined) {
    await authority.signer.close?.();
    throw new ConfigError([`TSA_CHAIN: ${problem}`]);
  }
  return { ...authority, policy: tsa.policy };
}

/** A development TSA root (10 years) and TSA certificate, created once, shared by every CA process. */
async function developmentTsa(
  dir: string,
): Promise<{ signer: TimestampAuthority['signer']; chain: ParsedCertificate[] }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const root = await developmentSigner(dir, 'root');
  const leaf = await developmentSigner(dir, 'tsa');
  const chainPath = join(dir, 'chain.pem');
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const subject = (commonName: string) => ({ organization: 'Signet (development)', commonName });
  const rootDer = await buildRootCertificate({
    signer: root.signer,
    subject: subject('Signet development TSA root'),
    notBefore,
    notAfter,
  });
  const leafDer = await buildTimestampingCertificate({
    issuer: rootDer,
    issuerSigner: root.signer,
    subject: subject('Signet development timestamp authority'),
    subjectPublicKey: leaf.signer.publicKey,
    notBefore,
    notAfter,
  });
  await createOnce(chainPath, (tmp) =>
    writeFile(tmp, certificatesToPem([leafDer, rootDer]), { flag: 'wx' }),
  );
  await root.signer.close?.();
  const chain = certificatesFromPem(await readFile(chainPath, 'utf8')).map((der) =>
    parseCertificate(der),
  );
  return { signer: leaf.signer, chain };
}
