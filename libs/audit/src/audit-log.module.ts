import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditRecord } from './entities/audit-record.entity';
import { AuditProofService } from './proofs/audit-proof.service';
import { AuditRetentionService } from './retention/audit-retention.service';
import { AuditExportService } from './search/audit-export.service';
import { AuditSearchService } from './search/audit-search.service';
import type { TreeHeadSigner } from './tree-head/tree-head';
import { AUDIT_SIGNER, TreeHeadStore } from './tree-head/tree-head.store';
import { AuditLogWriter } from './writer/audit-log.writer';

export const AUDIT_ENTITIES = [AuditRecord];

const READ_SIDE = [AuditProofService, AuditSearchService, AuditExportService, AuditRetentionService, TreeHeadStore];

/** The read side, for the portal API: search, export, proofs, tree heads, retention settings. */
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  providers: READ_SIDE,
  exports: READ_SIDE,
})
export class AuditLogModule {}

/** The write side, for the audit worker: the single appender and the tree-head signer. */
@Module({})
export class AuditWriterModule {
  static forRoot(options: { signer: TreeHeadSigner }): DynamicModule {
    return {
      module: AuditWriterModule,
      imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
      providers: [AuditLogWriter, AuditRetentionService, TreeHeadStore, AuditProofService, { provide: AUDIT_SIGNER, useValue: options.signer }],
      exports: [AuditLogWriter, AuditRetentionService, TreeHeadStore, AuditProofService],
    };
  }
}
