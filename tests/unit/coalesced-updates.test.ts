import { CoalescedUpdates } from '../../bot/coalesced-updates';

/** A promise the test settles by hand, so each interleaving is stepped, never timed. */
function gate(): { promise: Promise<void>; open: () => void; fail: (err: Error) => void } {
  let open!: () => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

describe('CoalescedUpdates: one update of a copy at a time, later asks share the next', () => {
  it('runs the first at once; asks made while it runs share one update that starts after it and is told it was joined', async () => {
    const updates = new CoalescedUpdates();
    const calls: string[] = [];
    const gates = [gate(), gate()];
    const task = (name: string) => async (joined: boolean) => {
      const n = calls.push(`${name}${joined ? ' (joined)' : ''}`);
      await gates[n - 1].promise;
    };
    const done: string[] = [];
    const first = updates.run('copy', task('a')).then(() => done.push('a'));
    const second = updates.run('copy', task('b')).then(() => done.push('b'));
    const third = updates.run('copy', task('c')).then(() => done.push('c'));
    await flush();
    expect(calls).toEqual(['a']); // b and c wait for a: never two PUTs of one copy at once
    gates[0].open();
    await first;
    await flush();
    expect(calls).toEqual(['a', 'b (joined)']); // one update for both, drawn when it starts
    expect(done).toEqual(['a']); // b and c are not answered before the update that holds their change
    gates[1].open();
    await Promise.all([second, third]);
    expect(done).toEqual(['a', 'b', 'c']);
    expect(calls).toHaveLength(2);
    expect(updates.busy).toBe(0);
  });

  it('an ask made after the joined update has started waits for one more, never for none', async () => {
    const updates = new CoalescedUpdates();
    const calls: boolean[] = [];
    const gates = [gate(), gate(), gate()];
    const task = async (joined: boolean) => {
      const n = calls.push(joined);
      await gates[n - 1].promise;
    };
    void updates.run('copy', task);
    const joined = updates.run('copy', task);
    gates[0].open();
    await flush();
    expect(calls).toEqual([false, true]);
    let lateDone = false;
    const late = updates.run('copy', task).then(() => (lateDone = true)); // its change may postdate the running draw
    gates[1].open();
    await joined;
    await flush();
    expect(lateDone).toBe(false);
    expect(calls).toEqual([false, true, true]);
    gates[2].open();
    await late;
    expect(updates.busy).toBe(0);
  });

  it('copies are independent: an update of one never waits for another', async () => {
    const updates = new CoalescedUpdates();
    const held = gate();
    const calls: string[] = [];
    void updates.run('copy-1', async () => {
      calls.push('1');
      await held.promise;
    });
    await updates.run('copy-2', async () => {
      calls.push('2');
    });
    expect(calls).toEqual(['1', '2']);
    held.open();
  });

  it('a failed update fails its callers only; the joined one still runs and a later ask starts afresh', async () => {
    const updates = new CoalescedUpdates();
    const first = gate();
    const calls: boolean[] = [];
    const failing = updates.run('copy', async (joined) => {
      calls.push(joined);
      await first.promise;
    });
    const joined = updates.run('copy', async (j) => {
      calls.push(j);
    });
    first.fail(new Error('Teams answered 502'));
    await expect(failing).rejects.toThrow('502');
    await expect(joined).resolves.toBeUndefined();
    expect(calls).toEqual([false, true]);
    expect(updates.busy).toBe(0);
    await updates.run('copy', async (j) => {
      calls.push(j);
    });
    expect(calls).toEqual([false, true, false]);
  });
});
