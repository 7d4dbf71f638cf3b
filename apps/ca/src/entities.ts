/** TypeORM entities of this app; the drift check (`npm run db:check`) compares them with migrations/. */
export const caEntities: Array<new () => object> = [];
