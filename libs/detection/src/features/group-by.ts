/**
 * The items by key, in their order within each group (Node 20 has no `Map.groupBy`). Appends in
 * place: a group of n items costs n pushes, not n copies of a growing array.
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
