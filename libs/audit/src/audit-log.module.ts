import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import { AuditRecord } from './entities/audit-record.entity';
import { AuditRowSweep } from './integrity/row-sweep.service';
import { AuditProofService } from './proofs/audit-proof.service';
import { AuditRetentionService } from './retention/audit-retention.service';
import { AuditExportService } from './search/audit-export.service';
import { AuditSearchService } from './search/audit-search.service';
import { AuditTilesService } from './tiles/audit-tiles.service';
import type { TreeHeadSigner } from './tree-head/tree-head';
import { TRUSTED_HEAD_KEEPER, TreeHeadPublisher } from './tree-head/tree-head.publisher';
import { AUDIT_SIGNER, TreeHeadStore } from './tree-head/tree-head.store';
import { RedisTrustedHeadKeeper } from './tree-head/trusted-head';
import type { Witness } from './witness/policy';
import { AUDIT_WITNESSES, WitnessClient } from './witness/witness.client';
import { AuditLogWriter } from './writer/audit-log.writer';

export const AUDIT_ENTITIES = [AuditRecord];

/** The signer's last head and the integrity alarm, kept in Redis (needs QueueModule.forRoot in the app). */
const keeper = {
  provide: TRUSTED_HEAD_KEEPER,
  useFactory: (redis: IORedis) => new RedisTrustedHeadKeeper(redis),
  inject: [REDIS],
};

const READ_SIDE = [
  AuditProofService,
  AuditSearchService,
  AuditExportService,
  AuditRetentionService,
  TreeHeadStore,
  AuditTilesService,
];

/** The read side, for the portal API: search, export, proofs, tree heads, tiles, retention settings. No signing key. */
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  providers: [...READ_SIDE, keeper],
  exports: [...READ_SIDE, TRUSTED_HEAD_KEEPER],
})
export class AuditReaderModule {}

export interface AuditWriterOptions {
  signer: TreeHeadSigner;
  /** Witnesses (with a URL) asked to cosign every new checkpoint. */
  witnesses?: Witness[];
  witnessTimeoutMs?: number;
}

/** The write side, for the audit worker: the single appender and the tree-head signer. */
@Module({})
export class AuditWriterModule {
  static forRoot(options: AuditWriterOptions): DynamicModule {
    const providers = [
      AuditLogWriter,
      AuditRetentionService,
      TreeHeadStore,
      AuditProofService,
      TreeHeadPublisher,
      AuditRowSweep,
      WitnessClient,
      keeper,
      { provide: AUDIT_SIGNER, useValue: options.signer },
      {
        provide: AUDIT_WITNESSES,
        useValue: {
          witnesses: options.witnesses ?? [],
          timeoutMs: options.witnessTimeoutMs ?? 5000,
        },
      },
    ];
    return {
      module: AuditWriterModule,
      imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
      providers,
      exports: [
        AuditLogWriter,
        AuditRetentionService,
        TreeHeadStore,
        AuditProofService,
        TreeHeadPublisher,
        AuditRowSweep,
      ],
    };
  }
}
