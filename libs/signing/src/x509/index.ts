// X.509 for Signet's CA and CT log: Fulcio-profile certificates signed through a Signer, the
// RFC 6962 precertificate / embedded-SCT flow, and chain verification. Test helpers live in
// ./testing and are deliberately not exported here.
export {
  buildIntermediateCertificate,
  buildRootCertificate,
  buildTimestampingCertificate,
  type TimestampingCertificateRequest,
} from './ca';
export type { IntermediateCertificateRequest, RootCertificateRequest } from './ca';
export { certificateSignedBy, hasOnlyUnderstoodCriticalExtensions, verifyChain } from './chain';
export {
  ctLogId,
  issuerKeyHash,
  merkleTreeLeaf,
  precertEntry,
  sctSignatureInput,
  signSct,
  verifySct,
} from './ct';
export type { CtLogEntry, TimestampedEntryInput } from './ct';
export {
  rfc6962NoteKeyId,
  rfc6962NoteSigner,
  rfc6962NoteVerifier,
  signTreeHead,
  treeHeadFromNote,
  treeHeadSignatureInput,
  verifyTreeHead,
} from './ct-tree-head';
export type { SignedTreeHead } from './ct-tree-head';
export { computeKeyIdentifier } from './extensions';
export { readFulcioExtensions } from './fulcio';
export { randomSerialNumber } from './issue';
export type { IssuerInput } from './issue';
export { buildLeaf } from './leaf';
export type { LeafCertificate, LeafCertificateRequest } from './leaf';
export { encodeName } from './names';
export type { DistinguishedName } from './names';
export {
  type CtEntryType,
  type CtLeaf,
  decodeTileLeaf,
  encodeTileLeaf,
  extraData,
  merkleTreeLeafOf,
} from './ct-tile-leaf';
export { FulcioOid, X509Oid } from './oids';
export { describeCertificate, MAX_CERTIFICATE_BYTES, parseCertificate } from './parse';
export type { CertificateInput, ParsedCertificate } from './parse';
export { certificatesFromPem, certificatesToPem } from './pem';
export { subjectAltNames } from './san';
export type { LeafSubjectAltName, SubjectAltNameEntry } from './san';
export {
  decodeDigitallySigned,
  decodeSct,
  decodeSctList,
  embeddedScts,
  encodeDigitallySigned,
  encodeSct,
  encodeSctList,
  TlsReader,
  tlsUint64,
  tlsVector,
} from './sct';
export type { DigitallySigned, SignedCertificateTimestamp } from './sct';
export type { RawExtension } from './tbs';
