export { ISSUER_TYPES, parseIssuers, type IssuerConfig, type IssuerType } from './issuer-config';
export { IdentityError, type IdentityErrorCode } from './identity.error';
export { FulcioOid } from './oids';
export {
  ALLOWED_ALGORITHMS,
  OidcVerifier,
  type IssuerDescription,
  type OidcVerifierOptions,
} from './oidc-verifier';
export type { Principal, SubjectAltName } from './principal';
export { IdentityModule } from './identity.module';
