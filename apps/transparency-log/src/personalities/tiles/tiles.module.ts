import { Module } from '@nestjs/common';
import { TilesController } from './tiles.controller';
import { TilesService } from './tiles.service';

/** The C2SP tlog-tiles read API of every tree: per purpose under its mount, and per tree id. */
@Module({ controllers: [TilesController], providers: [TilesService] })
export class TilesModule {}
