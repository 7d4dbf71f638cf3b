import { DataSource } from 'typeorm';

/**
 * A connection to the instance's database at `url`, for the server-side commands (`signet ca
 * list|distrust`, `signet admin token create`): no entities, no migrations, plain SQL through the
 * shared writes of @app/schema.
 */
export function openInstanceDatabase(url: string): Promise<DataSource> {
  return new DataSource({
    type: 'postgres',
    url,
    applicationName: 'signet-cli',
    entities: [],
    synchronize: false,
    migrationsRun: false,
  }).initialize();
}
