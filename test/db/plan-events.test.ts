import { describe, expect, it } from 'vitest';
import { announcedAfter, notifyPlanStatus, onPlanStatus, type PlanStatusChange } from '../../src/db/plan-events.js';

describe('plan status events', () => {
  it('announces a change at once outside a write, and after the write returns inside one', async () => {
    const heard: PlanStatusChange[] = [];
    const stop = onPlanStatus((change) => heard.push(change));
    try {
      notifyPlanStatus({ planId: 'a', status: 'RUNNING' });
      expect(heard).toEqual([{ planId: 'a', status: 'RUNNING' }]);
      const result = await announcedAfter(async () => {
        notifyPlanStatus({ planId: 'a', status: 'SOLVED' });
        await new Promise((resolve) => setTimeout(resolve, 5));
        // not yet: the transaction has not committed
        expect(heard).toHaveLength(1);
        return 42;
      });
      expect(result).toBe(42);
      expect(heard).toEqual([
        { planId: 'a', status: 'RUNNING' },
        { planId: 'a', status: 'SOLVED' },
      ]);
    } finally {
      stop();
    }
  });

  it('drops what a write announced when it throws (rolled back)', async () => {
    const heard: PlanStatusChange[] = [];
    const stop = onPlanStatus((change) => heard.push(change));
    try {
      await expect(
        announcedAfter(async () => {
          notifyPlanStatus({ planId: 'b', status: 'FAILED' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(heard).toEqual([]);
      // and the next change outside is heard again
      notifyPlanStatus({ planId: 'b', status: 'QUEUED' });
      expect(heard).toEqual([{ planId: 'b', status: 'QUEUED' }]);
    } finally {
      stop();
    }
  });
});
