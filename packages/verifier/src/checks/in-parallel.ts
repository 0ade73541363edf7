/**
 * Runs a task per item with at most `limit` at once, the items `startFirst` picks before the rest; answers in
 * the order of `items`. A failure is passed on once every task has ended (none is left running), the
 * first item's first.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
  startFirst: (item: T) => boolean = () => false,
): Promise<R[]> {
  const queue = [...items.keys()].sort((a, b) => Number(startFirst(items[b]!)) - Number(startFirst(items[a]!)));
  const outcomes: PromiseSettledResult<R>[] = new Array(items.length);
  const worker = async () => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      try {
        outcomes[index] = { status: 'fulfilled', value: await task(items[index]!) };
      } catch (reason) {
        outcomes[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const failure = outcomes.find(outcome => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map(outcome => (outcome as PromiseFulfilledResult<R>).value);
}
