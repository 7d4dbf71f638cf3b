export { parseIssuers, type IssuerConfig, type IssuerType } from './issuer-config';
export { IdentityError, type IdentityErrorCode } from './identity.error';
export { OidcVerifier } from './oidc-verifier';
export type { Principal } from './principal';
