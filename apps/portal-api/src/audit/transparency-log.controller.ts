import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@velvet/access';
import {
  AuditTilesService,
  parseTilePath,
  publishedReceiptKeys,
  TreeHeadStore,
} from '@velvet/audit';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { Response } from 'express';

/**
 * The audit log as a C2SP tlog-tiles log, readable by anyone without a login: the checkpoint
 * (signed note, with witness cosignatures), hash tiles and entry bundles (SHA-256 of each leaf,
 * which reveals nothing about the call). Standard tools (Go's sumdb/tlog, witnesses, monitors)
 * verify it; scripts/go-verifier does in the tests.
 */
@ApiTags('audit')
@Controller('audit-log')
export class TransparencyLogController {
  constructor(
    private readonly heads: TreeHeadStore,
    private readonly tiles: AuditTilesService,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {}

  /** The gateways' receipt verifier keys (note keys `<origin>/receipt+id+key`), one a line, oldest first. */
  @Public()
  @Get('receipt-keys')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    schema: { type: 'string', example: 'velvet.example/receipt+1a2b3c4d+AQ...\n' },
    description: 'One verifier key a line (text, not JSON)',
  })
  async receiptKeys(@Res() res: Response) {
    const keys = await publishedReceiptKeys(this.redis);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, max-age=0');
    res.send(keys.map((k) => `${k.vkey}\n`).join(''));
  }

  @Public()
  @Get('checkpoint')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    schema: { type: 'string' },
    description:
      'The latest signed checkpoint, text: a C2SP tlog-checkpoint (origin, tree size, root hash) in a signed note',
  })
  async checkpoint(@Res() res: Response) {
    const note = await this.heads.latestCheckpoint();
    if (!note) throw new NotFoundException('no checkpoint has been signed yet');
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, max-age=0');
    res.send(note);
  }

  @Public()
  @Get('tile/*path')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    schema: { type: 'string', format: 'binary' },
    description:
      'A C2SP tlog-tiles tile: concatenated 32-byte hashes, or entry bundles under tile/entries/',
  })
  async tile(@Param('path') path: string | string[], @Res() res: Response) {
    const parsed = parseTilePath([path].flat().join('/'));
    if (!parsed)
      throw new NotFoundException(
        'not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]',
      );
    const result = await this.tiles.tile(parsed);
    if (result.kind === 'missing') throw new NotFoundException(`no such tile: ${result.reason}`);
    res.setHeader('Content-Type', 'application/octet-stream');
    // Full tiles never change; a partial one is replaced by a wider one as the log grows.
    res.setHeader(
      'Cache-Control',
      result.full ? 'public, max-age=31536000, immutable' : 'public, max-age=10',
    );
    res.send(result.body);
  }
}
