import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { eventSha256Of, LocalKeySigner, ReceiptSigner, registerReceiptKey } from '@velvet/audit';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';

/**
 * Signs receipts with the gateway's own receipt key (AUDIT_RECEIPT_KEY_FILE, Ed25519, mode 0600,
 * checked at start-up) — never with the log's key, which only the audit worker holds. A receipt
 * names the SHA-256 of the call's audit event exactly as it goes on the audit stream (the worker puts
 * the same hash in the call's leaf), the log's origin, the time, and is signed by a key published at
 * /audit-log/receipt-keys (registered at start-up). One hash and one signature per premium call:
 * the entry's derivation (MinHash, bands) stays with the worker.
 */
@Injectable()
export class ReceiptIssuer implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReceiptIssuer.name);
  readonly signer: ReceiptSigner;

  constructor(
    @Inject(GATEWAY_ENV) env: GatewayEnv,
    @Inject(REDIS) private readonly redis: IORedis,
  ) {
    const file = env.AUDIT_RECEIPT_KEY_FILE;
    // The file's mode and key type are validated here: a bad key stops the gateway at start-up.
    this.signer = new ReceiptSigner(
      file ? LocalKeySigner.fromFile(file) : LocalKeySigner.ephemeral(),
      env.AUDIT_LOG_ORIGIN,
    );
    if (!file)
      this.logger.warn(
        'AUDIT_RECEIPT_KEY_FILE is not set: receipts are signed with a key made for this process only',
      );
  }

  async onApplicationBootstrap(): Promise<void> {
    await registerReceiptKey(this.redis, this.signer.vkey);
  }

  /**
   * The receipt for a premium call's audit event as it goes to the log (the JSON on the audit stream). Never
   * rejects: the call is already recorded, so a failed signature costs the receipt ('' = none; the
   * client can fetch one later by call id), not the response.
   */
  async issue(callId: string, auditEvent: string): Promise<string> {
    try {
      return await this.signer.sign(callId, eventSha256Of(auditEvent));
    } catch (error) {
      this.logger.error(`receipt for call ${callId} not signed: ${(error as Error).message}`);
      return '';
    }
  }
}
