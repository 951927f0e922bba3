import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Action, CurrentAbility, RequireAbility, type AppAbility } from '@velvet/access';
import {
  AuditExportService,
  AuditProofService,
  AuditSearchService,
  TreeHeadStore,
  TRUSTED_HEAD_KEEPER,
  type TrustedHeadKeeper,
} from '@velvet/audit';
import { NotFoundError, type Page, ParseSafeIntPipe } from '@velvet/common';
import type { Response } from 'express';
import {
  AuditExportQuery,
  AuditSearchQuery,
  ConsistencyQuery,
  TreeHeadListQuery,
  TreeSizeQuery,
} from './audit.dto';
import { auditRecordView } from './audit-record.view';
import {
  AuditRecordPage,
  AuditRecordView,
  ConsistencyProofView,
  InclusionProofView,
  IntegrityAlarmStateView,
  SignedTreeHeadView,
} from './audit.views';

const filtersOf = ({ limit: _l, offset: _o, ...filters }: AuditSearchQuery) => filters;

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly search: AuditSearchService,
    private readonly exports: AuditExportService,
    private readonly proofs: AuditProofService,
    private readonly heads: TreeHeadStore,
    @Inject(TRUSTED_HEAD_KEEPER) private readonly keeper: TrustedHeadKeeper,
  ) {}

  /** Set when the signer refused to sign because the database no longer extends its last head. */
  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: IntegrityAlarmStateView })
  @Get('integrity-alarm')
  async integrityAlarm(): Promise<IntegrityAlarmStateView> {
    return { alarm: await this.keeper.alarm() };
  }

  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: AuditRecordPage })
  @Get('records')
  async list(
    @CurrentAbility() ability: AppAbility,
    @Query() query: AuditSearchQuery,
  ): Promise<Page<AuditRecordView>> {
    const page = await this.search.search(ability, filtersOf(query), query);
    return { ...page, items: page.items.map(auditRecordView) };
  }

  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: AuditRecordView })
  @Get('records/:seq')
  async get(
    @CurrentAbility() ability: AppAbility,
    @Param('seq', ParseSafeIntPipe) seq: number,
  ): Promise<AuditRecordView> {
    const record = await this.search.find(ability, seq);
    if (!record) throw new NotFoundError('Audit record');
    return auditRecordView(record);
  }

  /** Proof that the record is leaf `seq` of the tree (the latest signed head unless `treeSize`). */
  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: InclusionProofView })
  @Get('records/:seq/inclusion-proof')
  async inclusion(
    @CurrentAbility() ability: AppAbility,
    @Param('seq', ParseSafeIntPipe) seq: number,
    @Query() query: TreeSizeQuery,
  ): Promise<InclusionProofView> {
    const record = await this.search.find(ability, seq);
    if (!record) throw new NotFoundError('Audit record');
    const head = query.treeSize
      ? await this.heads.ofSize(query.treeSize)
      : await this.heads.latest();
    const treeSize = query.treeSize ?? head?.treeSize ?? 0;
    return { ...(await this.proofs.inclusion(seq, treeSize)), treeHead: head };
  }

  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: ConsistencyProofView })
  @Get('proofs/consistency')
  async consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyProofView> {
    const second = query.second ?? (await this.heads.latest())?.treeSize ?? 0;
    const [proof, firstHead, secondHead] = await Promise.all([
      this.proofs.consistency(query.first, second),
      this.heads.ofSize(query.first),
      this.heads.ofSize(second),
    ]);
    return { ...proof, firstTreeHead: firstHead, secondTreeHead: secondHead };
  }

  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: SignedTreeHeadView })
  @Get('tree-heads/latest')
  async latestHead(): Promise<SignedTreeHeadView> {
    const head = await this.heads.latest();
    if (!head) throw new NotFoundError('Signed tree head');
    return head;
  }

  @RequireAbility(Action.Read, 'AuditRecord')
  @ApiOkResponse({ type: [SignedTreeHeadView] })
  @Get('tree-heads')
  listHeads(@Query() query: TreeHeadListQuery): Promise<SignedTreeHeadView[]> {
    return this.heads.list(query.limit, query.beforeSize);
  }

  /** CSV or JSON lines, bound to the latest signed tree head, each record with its inclusion proof. */
  @RequireAbility(Action.Export, 'AuditRecord')
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    schema: { type: 'string' },
    description:
      'CSV (format=csv) or JSON lines (format=jsonl), an attachment; the first line carries the signed tree head the export is bound to',
    headers: {
      'X-Audit-Tree-Head': {
        description: 'The signed tree head (JSON, without its checkpoint note) when one exists',
        schema: { type: 'string' },
      },
      'Content-Disposition': { schema: { type: 'string' } },
    },
  })
  @Get('export')
  async export(
    @CurrentAbility() ability: AppAbility,
    @Query() query: AuditExportQuery,
    @Res() res: Response,
  ) {
    const { format, sinceTreeSize, limit, offset: _offset, ...filters } = query;
    const exported = await this.exports.build(ability, filters, { limit, sinceTreeSize });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (exported.treeHead) {
      // The checkpoint note (newlines, an em dash) cannot travel in a header; it is in the body's first line.
      const { checkpoint: _checkpoint, ...head } = exported.treeHead;
      res.setHeader('X-Audit-Tree-Head', JSON.stringify(head));
    }
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.csv"`);
      res.send(this.exports.csv(exported));
    } else {
      res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.jsonl"`);
      res.send(this.exports.jsonLines(exported));
    }
  }
}
