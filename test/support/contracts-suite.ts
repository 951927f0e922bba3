import type { INestApplicationContext } from '@nestjs/common';
import { setUpContracts, type ContractsFixture } from './contracts-fixture';
import { startContractsWorker } from './contracts-worker';
import { startPortal, type RunningPortal } from './portal';

export interface ContractsSuite {
  portal: RunningPortal;
  fx: ContractsFixture;
  worker?: INestApplicationContext;
  /** Worker first: it holds connections to the database the portal drops. */
  close(): Promise<void>;
}

/**
 * What every contracts/entitlements suite starts with: a portal, optionally the contracts worker
 * (a stand-in for another process), then the demo catalog, rules and provider staff (`tag` keeps
 * the staff e-mails apart). If a step fails, whatever already started is closed again.
 */
export async function startContractsSuite(
  tag: string,
  opts: { worker: true },
): Promise<ContractsSuite & { worker: INestApplicationContext }>;
export async function startContractsSuite(tag: string): Promise<ContractsSuite>;
export async function startContractsSuite(
  tag: string,
  opts: { worker?: boolean } = {},
): Promise<ContractsSuite> {
  const portal = await startPortal();
  let worker: INestApplicationContext | undefined;
  const close = async () => {
    await worker?.close();
    await portal.close();
  };
  try {
    if (opts.worker) worker = await startContractsWorker(portal.env);
    const fx = await setUpContracts(portal, tag);
    return { portal, worker, fx, close };
  } catch (err) {
    await close();
    throw err;
  }
}
