import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type PublishedLogTree, readPublishedLogTrees } from '@app/schema';

/** The CA's read of the log's trees (the read model is in @app/schema). */
@Injectable()
export class LogTreesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every tree of the log, oldest first. */
  all(): Promise<PublishedLogTree[]> {
    return readPublishedLogTrees(this.dataSource);
  }
}
