/**
 * Termination and expiry to the gateway: a contract end removes premium access as fast
 * as a suspension, through the same immediate push path (inline evaluation + pub/sub). Used by
 * bench-entitlement-propagation.ts; kept apart from the threshold/suspension/key measurements.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { defineAbilityFor, Role, type UserPrincipal } from '@velvet/access';
import { ContractLifecycleService, ContractReviewService } from '@velvet/contracts';
import { EntitlementsScheduler } from '@velvet/entitlements';
import { DataSource } from 'typeorm';
import { callUntil } from './entitlement-gateway-probe';

export interface ContractEndFigures {
  terminationToGatewayDeniesMs: number[];
  expiryToGatewayDeniesMs: number[];
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Per iteration: a fresh active premium contract (the organisation's spend already meets the rule),
 * wait until the gateway serves premium, then (a) an account manager terminates it through
 * ContractReviewService, or (b) its term is over and the lifecycle job expires it; the time is from
 * the call that ends it to the gateway's first 403. The organisation's previous contract must have
 * ended already (one binding contract per tier and day).
 */
export async function measureContractEnds(
  worker: INestApplicationContext,
  gatewayUrl: string,
  key: string,
  organizationId: string,
  iterations: number,
): Promise<ContractEndFigures> {
  const db = worker.get(DataSource);
  const review = worker.get(ContractReviewService);
  const lifecycle = worker.get(ContractLifecycleService);
  const scheduler = worker.get(EntitlementsScheduler);
  const [staff] = await db.query(
    `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, 'bench am', 'x', 'account_manager') RETURNING id`,
    [`am-${organizationId}@bench.example`],
  );
  const manager: UserPrincipal = {
    kind: 'user',
    userId: staff.id,
    role: Role.AccountManager,
    organizationId: null,
  };
  const ability = defineAbilityFor(manager);
  const [requester] = await db.query(`SELECT id FROM users WHERE organization_id = $1 LIMIT 1`, [
    organizationId,
  ]);
  const freshContract = async (): Promise<string> => {
    const [c] = await db.query(
      `INSERT INTO contracts (organization_id, tier, min_spend_micros, period_months, term_start, term_end, currency, status, requested_by)
       VALUES ($1, 'premium', 50000000000, 3, current_date - 1, current_date + 365, 'USD', 'active', $2) RETURNING id`,
      [organizationId, requester.id],
    );
    await scheduler.requestEvaluation(organizationId, 'bench contract');
    await callUntil(gatewayUrl, key, 'velvet-pro-1', true);
    return c.id;
  };
  const figures: ContractEndFigures = {
    terminationToGatewayDeniesMs: [],
    expiryToGatewayDeniesMs: [],
  };
  for (let i = 0; i < iterations; i++) {
    const terminated = await freshContract();
    const t0 = now();
    await review.terminate(ability, manager, terminated, 'bench');
    figures.terminationToGatewayDeniesMs.push(
      (await callUntil(gatewayUrl, key, 'velvet-pro-1', false)) - t0,
    );

    const expiring = await freshContract();
    // the term ended yesterday; nothing has announced it yet (the gateway still serves)
    await db.query(`UPDATE contracts SET term_end = current_date - 1 WHERE id = $1`, [expiring]);
    const t1 = now();
    await lifecycle.run();
    figures.expiryToGatewayDeniesMs.push(
      (await callUntil(gatewayUrl, key, 'velvet-pro-1', false)) - t1,
    );
  }
  return figures;
}
