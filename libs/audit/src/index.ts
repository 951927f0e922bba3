export { AUDIT_FLAGS } from './audit-flags';
export { AUDIT_ENTITIES, AuditReaderModule, AuditWriterModule } from './audit-log.module';
export { AuditProducerModule } from './audit-producer.module';
export { parseCheckpoint } from './checkpoint/checkpoint';
export {
  COSIGNATURE_ED25519,
  cosignedMessage,
  formatVkey,
  noteKeyId,
  noteSignedBy,
  openNote,
  parseVkey,
  signatureLine,
} from './checkpoint/signed-note';
export { AuditRecord } from './entities/audit-record.entity';
export { estimateSimilarity, fromInt32, lshBands, minhashSignature } from './fingerprint/minhash';
export { PromptSignal, promptSignals } from './fingerprint/prompt-signals';
export { sharedWordBands, wordBands, wordSignature } from './fingerprint/word-fingerprint';
export {
  AUDIT_CHECKED_COLUMNS,
  AUDIT_LEAF_CHECK_BODY,
  AUDIT_LEAF_CONSTRAINT,
  AUDIT_LEAF_FUNCTION,
} from './integrity/leaf-check.sql';
export { AuditRowSweep, type SweepPacing } from './integrity/row-sweep.service';
export { schemaProblems } from './integrity/schema-guard';
export { canonicalJson } from './merkle/canonical-json';
export { CompactRange } from './merkle/compact-range';
export {
  auditLeafHash,
  consistencyRanges,
  rangeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle/merkle';
export type { PremiumCallEvent } from './premium-call.event';
export { AUDIT_JOB_NAME } from './producer/audit-entry';
export { newCallId } from './producer/call-id';
export type { AuditEntry, PremiumCallEntry } from './producer/audit-entry';
export {
  encodePremiumCallEvent,
  entryOfAuditStreamRecord,
  premiumCallEntry,
} from './producer/audit-entry.factory';
export { AUDIT_JOB_OPTIONS } from './producer/audit-queue';
export { AuditException } from './producer/audit.exception';
export { AuditProducer, jobIdOf } from './producer/audit.producer';
export { AuditProofService } from './proofs/audit-proof.service';
export { RECEIPT_HEADER, ReceiptSigner, openReceipt, splitReceipts } from './receipts/receipt';
export { billingOf, checkReceipts } from './receipts/receipt-check';
export type { ExportRecordLeaf } from './receipts/receipt-check';
export { publishedReceiptKeys, registerReceiptKey } from './receipts/receipt-keys';
export { eventSha256Of } from './receipts/receipt-leaf';
export { completionsSharingBands } from './queries/completion-bands.query';
export { premiumActivity, premiumCallsBetween } from './queries/premium-calls.query';
export {
  premiumCallsPerHour,
  premiumCallsWithSeenBands,
  premiumKeyCalls,
  recordPremiumBandSightings,
} from './queries/premium-horizon.query';
export type { HorizonCallRow } from './queries/premium-horizon.query';
export { AuditRetentionService } from './retention/audit-retention.service';
export { AuditExportService } from './search/audit-export.service';
export { AuditSearchService } from './search/audit-search.service';
export { AuditTilesService } from './tiles/audit-tiles.service';
export { parseTilePath } from './tiles/tile-path';
export { LocalKeySigner } from './tree-head/key-signer';
export { TreeHeadSigner, verifyTreeHead } from './tree-head/tree-head';
export type { SignedTreeHead } from './tree-head/tree-head';
export {
  AuditIntegrityError,
  TRUSTED_HEAD_KEEPER,
  TreeHeadPublisher,
} from './tree-head/tree-head.publisher';
export { TreeHeadStore } from './tree-head/tree-head.store';
export { MemoryTrustedHeadKeeper } from './tree-head/trusted-head';
export type { TrustedHeadKeeper } from './tree-head/trusted-head';
export { verifyExport } from './verify/export-verifier';
export type { VerifyOptions } from './verify/export-verifier';
export { checkPolicy, parsePolicy } from './witness/policy';
export type { Witness } from './witness/policy';
export { AuditLogWriter, INDEX_BANDS_SQL } from './writer/audit-log.writer';
export type { AppendOutcome } from './writer/audit-log.writer';
export { Batcher } from './writer/batcher';
export { fingerprintDigest } from './writer/audit-leaf';
export { LOG_COPY_COLUMNS, prepareEntry } from './writer/prepared-entry';
export type { PreparedEntry } from './writer/prepared-entry';
export { appendResiliently, isTransient } from './writer/resilient-append';
