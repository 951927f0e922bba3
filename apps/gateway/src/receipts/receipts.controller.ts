import { Controller, Get, Param, Req } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { auditLeafHash } from '@velvet/audit';
import type { FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { OpenAIError } from '../http/openai-error';
import { ReceiptIssuer } from './receipt-issuer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /v1/audit/receipts/:callId` (the `x-velvet-call-id` of a response), with the API key of the
 * call's organisation: a receipt for a call whose entry is in the log — for streams cut before
 * their end (no final SSE comment), calls a reaper finished, or a lost header. Signed from the
 * stored leaf (its event hash, or for a leaf older than v3 its leaf hash recomputed from it, never a
 * column), so it also says `seq`.
 */
@Controller('v1/audit/receipts')
export class ReceiptsController {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly issuer: ReceiptIssuer,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get(':callId')
  async receipt(@Req() request: FastifyRequest, @Param('callId') callId: string) {
    const principal = await this.auth.authenticate(request.headers.authorization);
    if (!UUID.test(callId))
      throw OpenAIError.badRequest(
        'callId must be the x-velvet-call-id of a response (a UUID)',
        'callId',
      );
    const rows: Array<{ seq: string; leaf: string }> = await this.db.query(
      `SELECT seq::text, leaf FROM audit_log WHERE event_id = $1 AND organization_id = $2 AND kind = 'premium_call'`,
      [callId, principal.organizationId],
    );
    if (!rows.length) {
      throw new OpenAIError(
        404,
        'invalid_request_error',
        'receipt_not_found',
        'No audited premium call of your organisation has this id yet (the log appends within seconds of a call).',
        'callId',
      );
    }
    const leafHash = auditLeafHash(rows[0].leaf);
    const { eventSha256 } = JSON.parse(rows[0].leaf) as { eventSha256?: string };
    const receipt = eventSha256
      ? await this.issuer.signer.sign(callId, Buffer.from(eventSha256, 'hex'))
      : await this.issuer.signer.signLeaf(callId, leafHash);
    return {
      object: 'audit.receipt',
      call_id: callId,
      seq: Number(rows[0].seq),
      leaf_hash: leafHash.toString('hex'),
      receipt,
    };
  }
}
