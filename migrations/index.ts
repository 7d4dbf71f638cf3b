import { CreateTransparencyLog1795370000000 } from './1795370000000-CreateTransparencyLog';
import { CreateCertificateAuthority1795380000000 } from './1795380000000-CreateCertificateAuthority';
import { ScopeGlobalIndexByPurpose1795390000000 } from './1795390000000-ScopeGlobalIndexByPurpose';
import { CreateTufTargetsVersion1795400000000 } from './1795400000000-CreateTufTargetsVersion';
import { HashSearchIndexKeys1795410000000 } from './1795410000000-HashSearchIndexKeys';
import { SearchIndexKeyArrays1795420000000 } from './1795420000000-SearchIndexKeyArrays';
import { DeflateEntryBodies1795430000000 } from './1795430000000-DeflateEntryBodies';
import { RenameTufTargetsDigest1795440000000 } from './1795440000000-RenameTufTargetsDigest';
import { GrantAppRoles1795460000000 } from './1795460000000-GrantAppRoles';
import { CreateRateLimitWindow1795470000000 } from './1795470000000-CreateRateLimitWindow';
import { CreateCaCertificateDistrust1795480000000 } from './1795480000000-CreateCaCertificateDistrust';
import { AddRekorV2Purpose1795490000000 } from './1795490000000-AddRekorV2Purpose';
import { CreatePolicyVersions1795500000000 } from './1795500000000-CreatePolicyVersions';
import { CreateAdminAuth1795510000000 } from './1795510000000-CreateAdminAuth';
import { GrantCaDistrust1795520000000 } from './1795520000000-GrantCaDistrust';

/**
 * Every migration, in order. Files are named `<unix-ms>-<VerbNoun>.ts`, reviewed, and never
 * edited once merged: a change to the schema is a new migration.
 */
export const migrations: Array<new () => object> = [
  CreateTransparencyLog1795370000000,
  CreateCertificateAuthority1795380000000,
  ScopeGlobalIndexByPurpose1795390000000,
  CreateTufTargetsVersion1795400000000,
  HashSearchIndexKeys1795410000000,
  SearchIndexKeyArrays1795420000000,
  DeflateEntryBodies1795430000000,
  RenameTufTargetsDigest1795440000000,
  GrantAppRoles1795460000000,
  CreateRateLimitWindow1795470000000,
  CreateCaCertificateDistrust1795480000000,
  AddRekorV2Purpose1795490000000,
  CreatePolicyVersions1795500000000,
  CreateAdminAuth1795510000000,
  GrantCaDistrust1795520000000,
];
