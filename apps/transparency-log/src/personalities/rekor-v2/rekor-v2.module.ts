import { Module } from '@nestjs/common';
import { RekorV2Controller } from './rekor-v2.controller';
import { RekorV2Service } from './rekor-v2.service';

/** The Rekor v2 personality: rekor-tiles' write API on the log's core (its own tree purpose). */
@Module({ controllers: [RekorV2Controller], providers: [RekorV2Service] })
export class RekorV2Module {}
