import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildIntermediateCertificate,
  buildRootCertificate,
  certificatesToPem,
  generatePkcs11KeyPair,
  type Signer,
} from '@app/signing';
import { usageError } from '../cli/exit-codes';
import { newEncryptedKeys } from '../cli/files';

export const caInitHelp = `signet ca init: create a CA root and intermediate for Signet's CA

Usage:
  signet ca init --out DIR [--passphrase-file FILE] [--common-name NAME] [--organization ORG]
                 [--years N] [--pkcs11-module LIB --pkcs11-token LABEL --pkcs11-pin-file FILE]

Writes DIR/chain.pem (intermediate, then root), DIR/root.pem (the root alone) and, for file keys, DIR/root-key.pem and
DIR/intermediate-key.pem (encrypted PKCS#8, AES-256-CBC, mode 0600). With --pkcs11-* the two
ECDSA P-256 keys are generated inside the token (labels signet-ca-root, signet-ca-intermediate)
and never leave it. Prints the CA_KEY and CA_CHAIN settings to use, and the log's LOG_CA_ROOTS.

Examples:
  signet ca init --out /etc/signet/ca --passphrase-file /run/secrets/ca-passphrase
  signet ca init --out ./ca --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
                 --pkcs11-token signet --pkcs11-pin-file ./pin
`;

/** What differs between the two-tier PKIs `signet` creates: the CA's and the TSA's. */
export interface PkiProfile {
  readonly help: string;
  readonly defaultCommonName: string;
  /** Environment prefix of the settings printed (`CA` → CA_KEY, CA_CHAIN). */
  readonly variable: 'CA' | 'TSA';
  /** File and PKCS#11 label stem of the issuing key (`intermediate` → intermediate-key.pem). */
  readonly issuingName: string;
  /** Builds the issuing certificate under the root. */
  build(
    root: { der: Uint8Array; signer: Signer },
    issuing: Signer,
    commonName: string,
    organization: string,
    validity: { notBefore: Date; notAfter: Date },
  ): Promise<Uint8Array>;
  /** Extra settings to print once the files exist. */
  extra(dir: string): string[];
}

const CA_PROFILE: PkiProfile = {
  help: caInitHelp,
  defaultCommonName: 'Signet CA',
  variable: 'CA',
  issuingName: 'intermediate',
  build: (root, issuing, commonName, organization, validity) =>
    buildIntermediateCertificate({
      issuer: root.der,
      issuerSigner: root.signer,
      subject: { organization, commonName: `${commonName} intermediate` },
      subjectPublicKey: issuing.publicKey,
      ...validity,
    }),
  extra: (dir) => [`LOG_CA_ROOTS=${join(dir, 'root.pem')}`],
};

/** `signet ca init`; returns the process exit code. */
export function caInit(argv: string[], out: (line: string) => void): Promise<number> {
  return pkiInit(CA_PROFILE, argv, out);
}

/**
 * Creates a root and an issuing key with its certificate (file keys encrypted under one new
 * passphrase, or keys generated inside a PKCS#11 token), writes DIR/chain.pem (issuing first)
 * and DIR/root.pem, and prints the settings; returns the process exit code.
 */
export async function pkiInit(
  profile: PkiProfile,
  argv: string[],
  out: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      'passphrase-file': { type: 'string' },
      'common-name': { type: 'string', default: profile.defaultCommonName },
      organization: { type: 'string', default: 'Signet' },
      years: { type: 'string', default: '10' },
      'pkcs11-module': { type: 'string' },
      'pkcs11-token': { type: 'string' },
      'pkcs11-pin-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    out(profile.help);
    return 0;
  }
  if (values.out === undefined) throw usageError('--out DIR is required');
  const years = Number(values.years);
  if (!Number.isInteger(years) || years < 1 || years > 30)
    throw usageError('--years must be an integer from 1 to 30');
  const pkcs11 = values['pkcs11-module'];
  const token = values['pkcs11-token'];
  const pinFile = values['pkcs11-pin-file'];
  // Checked before anything is written, so bad usage leaves no empty DIR behind.
  if (pkcs11 !== undefined && (token === undefined || pinFile === undefined)) {
    throw usageError('--pkcs11-module needs --pkcs11-token and --pkcs11-pin-file');
  }
  const dir = resolve(values.out);
  await mkdir(dir, { recursive: true, mode: 0o700 });

  let root: Signer;
  let issuing: Signer;
  let key: string;
  const prefix = profile.variable.toLowerCase();
  if (pkcs11 !== undefined && token !== undefined && pinFile !== undefined) {
    const pin = (await readFile(pinFile, 'utf8')).trim();
    const common = {
      modulePath: pkcs11,
      tokenLabel: token,
      pin,
      algorithm: 'ecdsa-p256-sha256' as const,
    };
    const label = `signet-${prefix}-${profile.issuingName}`;
    root = await generatePkcs11KeyPair({ ...common, keyLabel: `signet-${prefix}-root` });
    issuing = await generatePkcs11KeyPair({ ...common, keyLabel: label });
    key = `pkcs11:token=${encodeURIComponent(token)};object=${label}?module-path=${encodeURIComponent(pkcs11)}&pin-source=${encodeURIComponent(resolve(pinFile))}`;
  } else {
    const keys = await newEncryptedKeys(
      dir,
      ['root', profile.issuingName],
      values['passphrase-file'],
      out,
    );
    [root, issuing] = keys.signers;
    key = join(dir, `${profile.issuingName}-key.pem`);
    out(`${profile.variable}_KEY_PASSPHRASE_FILE=${keys.passphraseFile}`);
  }
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + years * 365 * 86_400_000);
  const org = values.organization;
  const rootDer = await buildRootCertificate({
    signer: root,
    subject: { organization: org, commonName: `${values['common-name']} root` },
    notBefore,
    notAfter,
  });
  const issuingDer = await profile.build(
    { der: rootDer, signer: root },
    issuing,
    values['common-name'],
    org,
    { notBefore, notAfter },
  );
  await writeFile(join(dir, 'chain.pem'), certificatesToPem([issuingDer, rootDer]), {
    flag: 'wx',
  });
  await writeFile(join(dir, 'root.pem'), certificatesToPem([rootDer]), { flag: 'wx' });
  out(`${profile.variable}_KEY=${key}`);
  out(`${profile.variable}_CHAIN=${join(dir, 'chain.pem')}`);
  for (const line of profile.extra(dir)) out(line);
  for (const s of [root, issuing]) await s.close?.();
  return 0;
}
