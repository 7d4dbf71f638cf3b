import 'reflect-metadata';
import { configOrExit, createApp, listen, runWorkers, type SignetConfig } from '@app/platform';
import { CA_BODY_LIMIT, CaModule } from './app.module';

async function main(config: SignetConfig): Promise<void> {
  const app = await createApp(CaModule.forRoot(config), { bodyLimit: CA_BODY_LIMIT });
  await listen(app, 'Signet CA', config.caPort, config.listenHost, config.caPublicUrl);
}

// Checked once, in the primary, so that a mistake is reported once.
const config = configOrExit({
  requireDatabase: true,
  keys: ['CA_KEY', 'CA_TUF_KEY', 'TSA_KEY', 'CA_POLICY_KEY'],
  pins: ['CA_LOG_PUBLIC_KEYS'],
});
// Stateless but for Postgres (rate limits are per process): CA_WORKERS processes share the port.
runWorkers(config.ca.workers, 'CA', () => main(config));
