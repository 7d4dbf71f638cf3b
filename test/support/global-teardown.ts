import { Client } from 'pg';
import { state } from './state';
import { removeTempDir } from './temp-dir';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.SIGNET_TEST_ADMIN_URL;
  if (adminUrl !== undefined && state.template !== undefined) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${state.template} WITH (FORCE)`);
    await admin.end();
  }
  await state.embedded?.stop();
  if (state.dataDir !== undefined) removeTempDir(state.dataDir);
}
