import { type DynamicModule, Module } from '@nestjs/common';
import { LOG_WRITE_SETTINGS, type LogWriteSettings } from '../config/log-file.config';
import { EntryRepository } from './entry.repository';
import { Integrator } from './integrator';
import { ProofsService } from './proofs.service';
import { TreeRegistry } from './tree-registry.service';
import { TreeRepository } from './tree.repository';
import { TREE_SIGNINGS, type TreeSignings } from './tree-signing';
import { CaCertificateRepository } from './trust/ca-certificate.repository';
import { InstanceCas } from './trust/instance-cas';
import { WritePolicy } from './trust/write-policy';

/**
 * The log itself, knowing no HTTP API: the tree registry with its integrator and bounded
 * sequencers, proofs from stored tiles, the repositories, and the trust module (the instance's CA
 * certificates, one chain verifier, write authorization). Global, so that each personality's
 * module uses it without importing it. The composition root hands it what it opened and
 * parsed before Nest started: the tree signings (keys open) and the log's write settings.
 */
@Module({})
export class LogCoreModule {
  static forRoot(options: {
    signings: () => Promise<TreeSignings>;
    writeSettings: LogWriteSettings;
  }): DynamicModule {
    return {
      module: LogCoreModule,
      global: true,
      providers: [
        { provide: TREE_SIGNINGS, useFactory: options.signings },
        { provide: LOG_WRITE_SETTINGS, useValue: options.writeSettings },
        TreeRepository,
        EntryRepository,
        Integrator,
        TreeRegistry,
        ProofsService,
        CaCertificateRepository,
        InstanceCas,
        WritePolicy,
      ],
      exports: [TreeRegistry, ProofsService, EntryRepository, InstanceCas, WritePolicy],
    };
  }
}
