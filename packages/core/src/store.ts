/**
 * The engine's persistence: a small ordered key-value interface with an atomic
 * batch, so one received payload's effects (group state, messages, the
 * de-duplication digest) are written together or not at all. MemoryStore
 * (here) serves browsers and tests; SqliteStore (node/) serves Node.
 */
export type StoreOp = { kind: "put"; key: string; value: Uint8Array } | { kind: "delete"; key: string }

export interface StoreEntry {
  key: string
  value: Uint8Array
}

export interface Store {
  get(key: string): Promise<Uint8Array | undefined>
  put(key: string, value: Uint8Array): Promise<void>
  delete(key: string): Promise<void>
  /** Every entry whose key starts with `prefix`, in ascending key order. */
  list(prefix: string): Promise<StoreEntry[]>
  /** Applies all operations atomically, in order. */
  batch(ops: StoreOp[]): Promise<void>
  /**
   * Makes what was deleted so far unrecoverable from the storage medium as far
   * as the store can (SQLite: moves the WAL into the zeroed database pages and
   * truncates it). Called after messages are deleted for real.
   */
  scrub?(): Promise<void>
  close(): Promise<void>
}

/** Keys are printable ASCII so that every engine orders them the same way. */
export function checkKey(key: string): void {
  if (!/^[\x20-\x7e]*$/.test(key))
    throw new Error(`store keys must be printable ASCII: ${JSON.stringify(key)}`)
}

/** The smallest key greater than every key starting with `prefix` (undefined for ""). */
export function prefixEnd(prefix: string): string | undefined {
  if (prefix === "") return undefined
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

export class MemoryStore implements Store {
  private readonly entries = new Map<string, Uint8Array>()

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = this.entries.get(key)
    return value && value.slice()
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.batch([{ kind: "put", key, value }])
  }

  async delete(key: string): Promise<void> {
    await this.batch([{ kind: "delete", key }])
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const out: StoreEntry[] = []
    for (const [key, value] of this.entries)
      if (key.startsWith(prefix)) out.push({ key, value: value.slice() })
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }

  async batch(ops: StoreOp[]): Promise<void> {
    for (const op of ops) checkKey(op.key)
    for (const op of ops) {
      if (op.kind === "put") this.entries.set(op.key, op.value.slice())
      else this.entries.delete(op.key)
    }
  }

  async close(): Promise<void> {}
}
