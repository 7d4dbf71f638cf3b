import { buildTimestampingCertificate } from '@app/signing';
import { pkiInit, type PkiProfile } from '../ca/ca-init';

export const tsaInitHelp = `signet tsa init: create the keys and certificates of Signet's timestamp authority

Usage:
  signet tsa init --out DIR [--passphrase-file FILE] [--common-name NAME] [--organization ORG]
                  [--years N] [--pkcs11-module LIB --pkcs11-token LABEL --pkcs11-pin-file FILE]

Writes DIR/chain.pem (the TSA certificate, then its root), DIR/root.pem and, for file keys,
DIR/root-key.pem and DIR/tsa-key.pem (encrypted PKCS#8, mode 0600). The TSA certificate has
extKeyUsage timeStamping alone, critical (RFC 3161), and keyUsage digitalSignature. With
--pkcs11-* the two ECDSA P-256 keys are generated inside the token (labels signet-tsa-root,
signet-tsa-tsa) and never leave it. Keep the root key offline. Prints the TSA_KEY and TSA_CHAIN
settings to use.

Examples:
  signet tsa init --out /etc/signet/tsa --passphrase-file /run/secrets/tsa-passphrase
  signet tsa init --out ./tsa --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
                  --pkcs11-token signet --pkcs11-pin-file ./pin
`;

const TSA_PROFILE: PkiProfile = {
  help: tsaInitHelp,
  defaultCommonName: 'Signet timestamp authority',
  variable: 'TSA',
  issuingName: 'tsa',
  build: (root, issuing, commonName, organization, validity) =>
    buildTimestampingCertificate({
      issuer: root.der,
      issuerSigner: root.signer,
      subject: { organization, commonName },
      subjectPublicKey: issuing.publicKey,
      ...validity,
    }),
  extra: () => [],
};

/** `signet tsa init`; returns the process exit code. */
export function tsaInit(argv: string[], out: (line: string) => void): Promise<number> {
  return pkiInit(TSA_PROFILE, argv, out);
}
