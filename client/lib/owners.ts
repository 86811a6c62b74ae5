/**
 * Action items by owner: the assignees (`@name`) of each item, matched without regard to case, and
 * the items nobody is assigned to.
 */

/** What the grouping needs of an item. */
export interface Assigned {
  assignees: readonly string[];
}

/** The key of the "unassigned" group and filter. */
export const UNASSIGNED = '';

/** One owner: `key` to match on, `name` as first written. */
export interface Owner {
  key: string;
  name: string;
}

/** The items of one owner (an item with two owners is in both groups). */
export interface OwnerGroup<T> extends Owner {
  items: T[];
}

const keyOf = (name: string): string => name.normalize('NFC').toLocaleLowerCase();

/** Whether `item` belongs to the owner `key` (UNASSIGNED: to nobody). */
export const ownedBy = (item: Assigned, key: string): boolean =>
  key === UNASSIGNED ? item.assignees.length === 0 : item.assignees.some((name) => keyOf(name) === key);

/** The owners of `items`, sorted by name, with the unassigned group last when there is one. */
export const groupByOwner = <T extends Assigned>(items: readonly T[]): OwnerGroup<T>[] => {
  const groups = new Map<string, OwnerGroup<T>>();
  const add = (key: string, name: string, item: T): void => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, name, items: [] }));
    if (!group.items.includes(item)) group.items.push(item);
  };
  for (const item of items) {
    if (item.assignees.length === 0) add(UNASSIGNED, 'Unassigned', item);
    for (const name of item.assignees) add(keyOf(name), name, item);
  }
  const sorted = [...groups.values()].filter((g) => g.key !== UNASSIGNED).sort((a, b) => a.name.localeCompare(b.name));
  const nobody = groups.get(UNASSIGNED);
  return nobody ? [...sorted, nobody] : sorted;
};
