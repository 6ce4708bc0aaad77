/**
 * Steps of one scenario that build on each other (a vote opened, then voted on, then closed):
 * `const step = steps();` then `step('…', async () => …)` in place of `it`. Once a step fails, the
 * later steps fail at once, naming the step that broke, instead of failing in ways that hide it
 * (a missing card, a wrong count) or waiting out their timeouts on a busy machine.
 */
export function steps(): (name: string, fn: () => unknown, timeoutMs?: number) => void {
  let broken: string | undefined;
  return (name, fn, timeoutMs) =>
    it(
      name,
      async () => {
        if (broken !== undefined) throw new Error(`not run: the earlier step "${broken}" failed`);
        try {
          await fn();
        } catch (err) {
          broken = name;
          throw err;
        }
      },
      timeoutMs,
    );
}
