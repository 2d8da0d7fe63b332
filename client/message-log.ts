import type { ChatMessage } from './types.js';

/**
 * Every message of one conversation (or of the whole inbox), each `mid` once,
 * in `mid` order, however often and in whatever order the transports, the
 * history pages and other tabs deliver them (PROTOCOL.md: "Clients show each
 * `mid` once").
 */
export class MessageLog {
  private readonly byMid = new Map<number, ChatMessage>();
  private sorted: ChatMessage[] = [];

  /** Adds what is new and returns only that, in `mid` order. A known `mid` keeps its first copy but learns `read: true`. */
  add(messages: readonly ChatMessage[]): ChatMessage[] {
    const fresh: ChatMessage[] = [];
    for (const m of messages) {
      if (!m || typeof m.mid !== 'number') continue;
      const known = this.byMid.get(m.mid);
      if (known) {
        if (m.read && !known.read) this.byMid.set(m.mid, { ...known, read: true });
        continue;
      }
      this.byMid.set(m.mid, m);
      fresh.push(m);
    }
    if (fresh.length || messages.length) this.sorted = [...this.byMid.values()].sort((a, b) => a.mid - b.mid);
    return fresh.sort((a, b) => a.mid - b.mid);
  }

  has(mid: number): boolean {
    return this.byMid.has(mid);
  }

  get messages(): readonly ChatMessage[] {
    return this.sorted;
  }

  get size(): number {
    return this.sorted.length;
  }

  get oldestMid(): number | undefined {
    return this.sorted[0]?.mid;
  }

  get newestMid(): number | undefined {
    return this.sorted[this.sorted.length - 1]?.mid;
  }

  /** Marks messages up to `upto` read when `which` selects them; true if anything changed. */
  markRead(upto: number, which: (m: ChatMessage) => boolean): boolean {
    let changed = false;
    for (const m of this.sorted) {
      if (m.mid > upto) break;
      if (!m.read && which(m)) {
        this.byMid.set(m.mid, { ...m, read: true });
        changed = true;
      }
    }
    if (changed) this.sorted = [...this.byMid.values()].sort((a, b) => a.mid - b.mid);
    return changed;
  }
}
