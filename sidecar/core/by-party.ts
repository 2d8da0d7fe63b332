// Remembered rows or events grouped by the visitor they concern, each group
// in id order. A visitor's poll then looks at its own few items instead of
// every item since its cursor (25 s of everyone's traffic for a poll that
// timed out: thousands, for every visitor, in the soak's profile).

export class ByParty<T> {
  private readonly groups = new Map<string, T[]>();

  constructor(private readonly idOf: (item: T) => number) {}

  add(party: string, item: T): void {
    let list = this.groups.get(party);
    if (!list) this.groups.set(party, (list = []));
    const id = this.idOf(item);
    // Late items go to their place by id; usually this is the end.
    let i = list.length;
    while (i > 0 && this.idOf(list[i - 1]) > id) i--;
    list.splice(i, 0, item);
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
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.idOf(list[m]) <= after) lo = m + 1;
      else hi = m;
    }
    for (let i = lo; i < list.length; i++) yield list[i];
  }

  get size(): number {
    return this.groups.size;
  }
}
