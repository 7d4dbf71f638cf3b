import type { DataSource } from 'typeorm';
import { openInstanceDatabase } from '../cli/instance-database.repository';
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
    return new AdminTokensRepository(await openInstanceDatabase(url));
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
