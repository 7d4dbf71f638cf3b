import { Module } from '@nestjs/common';
import { CtController } from './ct.controller';
import { CtMonitoringService } from './ct-monitoring.service';
import { CtSubmissionService } from './ct-submission.service';

/** The RFC 6962 API (`/ct/v1/...`) on the `ct` trees, for the instance's CA certificates. */
@Module({ controllers: [CtController], providers: [CtSubmissionService, CtMonitoringService] })
export class CtModule {}
