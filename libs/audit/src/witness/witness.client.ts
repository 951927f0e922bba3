import { Inject, Injectable, Logger } from '@nestjs/common';
import { cosignatureBy, parseSignatureLine } from '../checkpoint/signed-note';
import { AuditProofService } from '../proofs/audit-proof.service';
import type { SignedTreeHead } from '../tree-head/tree-head';
import { TreeHeadStore } from '../tree-head/tree-head.store';
import type { Witness } from './policy';

export const AUDIT_WITNESSES = Symbol('AUDIT_WITNESSES');

export interface WitnessOptions {
  witnesses: Witness[];
  timeoutMs: number;
}

/**
 * The log's side of C2SP tlog-witness: POST <witness>/add-checkpoint with the witness's last
 * size, a consistency proof from it and the new checkpoint; store the cosignatures that verify
 * with the witness's key. A 409 tells the witness's size (a fresh client starts at 0), so the
 * request is repeated once with a proof from there. A witness that is down costs one timeout and
 * a warning; the head is published anyway, and verifiers that require a quorum wait for it.
 */
@Injectable()
export class WitnessClient {
  private readonly logger = new Logger(WitnessClient.name);
  private readonly sizes = new Map<string, number>();

  constructor(
    @Inject(AUDIT_WITNESSES) private readonly options: WitnessOptions,
    private readonly proofs: AuditProofService,
    private readonly heads: TreeHeadStore,
  ) {}

  async cosign(head: SignedTreeHead): Promise<void> {
    if (!head.checkpoint) return;
    await Promise.all(this.options.witnesses.filter((w) => w.url).map((w) => this.ask(w, head)));
  }

  private async ask(witness: Witness, head: SignedTreeHead): Promise<void> {
    const body = head.checkpoint!.slice(0, head.checkpoint!.indexOf('\n\n') + 1);
    let old = Math.min(this.sizes.get(witness.name) ?? 0, head.treeSize);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const proof = old > 0 ? (await this.proofs.consistency(old, head.treeSize)).proof : [];
        const request = `old ${old}\n${proof.map((h) => `${Buffer.from(h, 'hex').toString('base64')}\n`).join('')}\n${head.checkpoint}`;
        const res = await fetch(`${witness.url!.replace(/\/$/, '')}/add-checkpoint`, {
          method: 'POST',
          body: request,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        const text = await res.text();
        if (
          res.status === 409 &&
          (res.headers.get('content-type') ?? '').startsWith('text/x.tlog.size')
        ) {
          const theirs = Number(text.trim());
          if (!Number.isSafeInteger(theirs) || theirs > head.treeSize) break;
          old = theirs;
          continue;
        }
        if (res.status !== 200) {
          this.logger.warn(
            `witness ${witness.name} refused checkpoint ${head.treeSize}: HTTP ${res.status} ${text.slice(0, 200)}`,
          );
          return;
        }
        const lines = text.split('\n').filter(Boolean);
        const valid = lines.filter((line) => {
          try {
            return cosignatureBy(body, [parseSignatureLine(line)], witness.key) !== null;
          } catch {
            return false;
          }
        });
        if (!valid.length)
          this.logger.warn(
            `witness ${witness.name} answered no valid cosignature for ${head.treeSize}`,
          );
        for (const line of valid) await this.heads.addCosignature(head, witness.name, `${line}\n`);
        this.sizes.set(witness.name, head.treeSize);
        return;
      }
      this.logger.warn(
        `witness ${witness.name} holds a size this log cannot prove consistency from (${old})`,
      );
    } catch (error) {
      this.logger.warn(
        `witness ${witness.name} unreachable for checkpoint ${head.treeSize}: ${(error as Error).message}`,
      );
    }
  }
}
