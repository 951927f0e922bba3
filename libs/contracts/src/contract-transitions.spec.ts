import fc from 'fast-check';
import { ALLOWED_TRANSITIONS, assertTransition } from './contract-transitions';
import { type Contract, ContractStatus } from './entities/contract.entity';

const statuses = Object.values(ContractStatus);
const at = (status: ContractStatus) => ({ status }) as Contract;

describe('contract lifecycle', () => {
  it('ends for good in rejected, expired and terminated', () => {
    for (const end of [
      ContractStatus.Rejected,
      ContractStatus.Expired,
      ContractStatus.Terminated,
    ]) {
      for (const to of statuses) expect(() => assertTransition(at(end), to)).toThrow(/cannot be/);
    }
  });

  it('never becomes active without having been approved, whatever is attempted', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 30 }), (attempts) => {
        let current = ContractStatus.Draft;
        let approved = false;
        for (const to of attempts) {
          if (!ALLOWED_TRANSITIONS[current].includes(to)) {
            expect(() => assertTransition(at(current), to)).toThrow();
            continue;
          }
          assertTransition(at(current), to);
          if (to === ContractStatus.Active && !approved) return false;
          if (to === ContractStatus.Approved) approved = true;
          // changes requested or a new round forgets nothing here: approval happens only from submitted
          current = to;
        }
        return true;
      }),
    );
  });

  it('reaches every status from a draft', () => {
    const seen = new Set<ContractStatus>([ContractStatus.Draft]);
    const queue = [ContractStatus.Draft];
    while (queue.length) {
      for (const next of ALLOWED_TRANSITIONS[queue.shift()!]) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    expect([...seen].sort()).toEqual([...statuses].sort());
  });
});
