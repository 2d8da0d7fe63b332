// Remembered rows or events grouped by the visitor they concern, each group
// in id order. A visitor's poll then looks at its own few items instead of
// every item since its cursor (25 s of everyone's traffic for a poll that
// timed out: thousands, for every visitor, in the soak's profile). Also the
// two helpers every id-ordered list of the feed uses.

/** Index of the first item with id > `after` in a list sorted by id. */
export function firstAbove<T>(list: readonly T[], after: number, idOf: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (idOf(list[m]) <= after) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** Puts an item in its place by id; late ones are rare, so this is nearly always the end. */
export function insertSorted<T>(list: T[], item: T, idOf: (item: T) => number): void {
  const id = idOf(item);
  let i = list.length;
  while (i > 0 && idOf(list[i - 1]) > id) i--;
  list.splice(i, 0, item);
}

export class ByParty<T> {
  private readonly groups = new Map<string, T[]>();

  constructor(private readonly idOf: (item: T) => number) {}

  add(party: string, item: T): void {
    let list = this.groups.get(party);
    if (!list) this.groups.set(party, (list = []));
    insertSorted(list, item, this.idOf);
  }

  remove(party: string, item: T): void {
    const list = this.groups.get(party);
    if (!list) return;
    // Items leave oldest first, so this is nearly always the first.
    const i = list[0] === item ? 0 : list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) this.groups.delete(party);
  }

  /** The party's items with id > `after`, ascending. */
  *after(party: string, after: number): Generator<T> {
    const list = this.groups.get(party);
    if (!list) return;
    for (let i = firstAbove(list, after, this.idOf); i < list.length; i++) yield list[i];
  }

  get size(): number {
    return this.groups.size;
  }
}
