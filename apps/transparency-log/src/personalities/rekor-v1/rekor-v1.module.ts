import { Module } from '@nestjs/common';
import { EntriesController } from './entries.controller';
import { EntriesService } from './entries.service';
import { LogController } from './log.controller';
import { SearchController } from './search.controller';

/** Rekor's v1 REST API on the `artifact` trees: entries, log info and proofs, search. */
@Module({
  controllers: [EntriesController, LogController, SearchController],
  providers: [EntriesService],
})
export class RekorV1Module {}
