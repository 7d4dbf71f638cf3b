import { Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, developmentKeyRefusal, openSigner, type SignetConfig } from '@app/platform';
import {
  buildTimestampingCertificate,
  certificatesFromPem,
  parseCertificate,
  type ParsedCertificate,
  type TimestampAuthority,
  tsaChainProblem,
} from '@app/signing';
import { DEVELOPMENT_ORGANIZATION, developmentPki } from '../authority/development-pki';

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
function developmentTsa(
  dir: string,
): Promise<{ signer: TimestampAuthority['signer']; chain: ParsedCertificate[] }> {
  return developmentPki(dir, {
    issuingName: 'tsa',
    rootCommonName: 'Signet development TSA root',
    build: (root, issuing, validity) =>
      buildTimestampingCertificate({
        issuer: root.der,
        issuerSigner: root.signer,
        subject: {
          organization: DEVELOPMENT_ORGANIZATION,
          commonName: 'Signet development timestamp authority',
        },
        subjectPublicKey: issuing.publicKey,
        ...validity,
      }),
  });
}
