/**
 * One update at a time per posted copy of a card. An update asked for while one is on its way
 * joins the next, which starts once that one has finished and draws the state as it is then. So
 * when a caller's promise resolves, the copy shows at least the state it had committed before
 * asking, and a storm of clicks on one card costs Teams about one PUT per round trip rather than
 * one per click (each PUT serialises and sends the whole card).
 */
export class CoalescedUpdates {
  private readonly slots = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

  /**
   * Runs `update` for `key` now, or joins the update that follows the running one. `update` is
   * told whether it is that joined one (`true`): it must then draw the current state, not the
   * state its caller saw, as it stands for every caller that joined it.
   */
  run(key: string, update: (joined: boolean) => Promise<void>): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return this.start(key, () => update(false));
    slot.next ??= slot.running.then(settled, settled).then(() => this.start(key, () => update(true)));
    return slot.next;
  }

  /** Keys with an update running or waiting (tests). */
  get busy(): number {
    return this.slots.size;
  }

  private start(key: string, update: () => Promise<void>): Promise<void> {
    const running = Promise.resolve().then(update);
    const slot: { running: Promise<void>; next?: Promise<void> } = { running };
    this.slots.set(key, slot);
    const finished = () => {
      if (this.slots.get(key) === slot && !slot.next) this.slots.delete(key);
    };
    running.then(finished, finished);
    return running;
  }
}

const settled = (): void => undefined;
