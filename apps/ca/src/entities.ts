import { CaCertificate, IssuanceRecord } from './issuance/issuance.entities';
import { IamRule } from './policy';
import { TufTargetsVersion } from './tuf/tuf.entities';

/** TypeORM entities of this app; the drift check (`npm run db:check`) compares them with migrations/. */
export const caEntities = [IssuanceRecord, CaCertificate, IamRule, TufTargetsVersion];
