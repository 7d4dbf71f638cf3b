import 'reflect-metadata';
import { configOrExit, createApp, listen } from '@app/platform';
import { CA_BODY_LIMIT, CaModule } from './app.module';

async function main(): Promise<void> {
  const config = configOrExit();
  if (config.databaseUrl === undefined) {
    process.stderr.write(
      'Invalid configuration:\n  - DATABASE_URL: required when the app runs on its own (npm start provides one)\n',
    );
    process.exit(2);
  }
  const app = await createApp(CaModule.forRoot(config), { bodyLimit: CA_BODY_LIMIT });
  await listen(app, 'Signet CA', config.caPort, config.listenHost, config.caPublicUrl);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
