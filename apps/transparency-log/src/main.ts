import 'reflect-metadata';
import { configOrExit, createApp, listen, runWorkers, type SignetConfig } from '@app/platform';
import { TransparencyLogModule } from './app.module';

async function main(config: SignetConfig): Promise<void> {
  const app = await createApp(TransparencyLogModule.forRoot(config), {
    bodyLimit: config.log.maxBodyBytes,
    postsInFlightPerClient: config.log.maxPostsInFlightPerClient,
  });
  await listen(
    app,
    'Signet transparency log',
    config.logPort,
    config.listenHost,
    config.logPublicUrl,
  );
}

// Checked once, in the primary, so that a mistake is reported once.
const config = configOrExit({
  requireDatabase: true,
  keys: ['LOG_KEY', 'CT_LOG_KEY', 'LOG_V2_KEY'],
  pins: ['LOG_CA_ROOTS'],
});
// LOG_WORKERS processes share the port; each batch still takes the tree head FOR UPDATE, so the
// tree has one writer at a time (test/log-concurrency runs three processes on one database).
runWorkers(config.log.workers, 'log', () => main(config));
