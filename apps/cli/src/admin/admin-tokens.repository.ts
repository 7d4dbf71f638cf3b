import { DataSource } from 'typeorm';
import {
  type AdminAuditRow,
  appendAdminAuditEvent,
  insertApiToken,
  type NewApiTokenRow,
} from '@app/schema';

/** `admin_api_token` and its audit row, as the break-glass command writes them. */
export class AdminTokensRepository {
  private constructor(private readonly dataSource: DataSource) {}

  /** Connects to `url` (the instance's database). */
  static async open(url: string): Promise<AdminTokensRepository> {
    const dataSource = await new DataSource({
      type: 'postgres',
      url,
      applicationName: 'signet-cli',
      entities: [],
      synchronize: false,
      migrationsRun: false,
    }).initialize();
    return new AdminTokensRepository(dataSource);
  }

  /** Inserts the token and its `token.create` audit row in one transaction. */
  create(token: NewApiTokenRow, audit: AdminAuditRow): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      await insertApiToken(m, token);
      await appendAdminAuditEvent(m, audit);
    });
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}
