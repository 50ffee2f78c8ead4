/** Discord drops an interaction not answered within 3 s; we answer or defer well before that. */
export const DEFAULT_ACK_AFTER_MS = 1_500;

/**
 * Waits for `work` up to `afterMs`; if it is not done by then, calls `defer` (an empty
 * acknowledgement) so the interaction stays valid while store work goes on. Returns whether it
 * deferred. The work's own failure is left to whoever awaits it.
 */
export async function deferIfSlow(
  work: Promise<unknown>,
  afterMs: number,
  defer: () => Promise<unknown>,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), afterMs);
  });
  const first = await Promise.race([
    work.then(
      () => 'done' as const,
      () => 'done' as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (first === 'done') return false;
  await defer();
  return true;
}
