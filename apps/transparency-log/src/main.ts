import 'reflect-metadata';
import { configOrExit, createApp, listen } from '@app/platform';
import { TransparencyLogModule } from './app.module';

async function main(): Promise<void> {
  const config = configOrExit();
  if (config.databaseUrl === undefined) {
    process.stderr.write(
      'Invalid configuration:\n  - DATABASE_URL: required when the app runs on its own (npm start provides one)\n',
    );
    process.exit(2);
  }
  const app = await createApp(TransparencyLogModule.forRoot(config), {
    bodyLimit: config.log.maxBodyBytes,
  });
  await listen(
    app,
    'Signet transparency log',
    config.logPort,
    config.listenHost,
    config.logPublicUrl,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(
    `failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
