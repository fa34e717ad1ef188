import type { Table } from "dexie"
import type { KithDatabase, SealedRow } from "./database"

export type StoreOp = { kind: "put"; key: string; value: Uint8Array } | { kind: "delete"; key: string }
export interface StoreEntry {
  key: string
  value: Uint8Array
}

/**
 * The engine's `Store` on IndexedDB: every value sealed with AES-GCM under the
 * vault's data key, with the record's key as associated data so a value cannot
 * be moved to another key. Keys stay in the clear (IndexedDB orders and finds
 * them); the engine's keys are random identifiers and fixed labels.
 */
export class SealedStore {
  private readonly table: Table<SealedRow, string>

  constructor(
    private readonly db: KithDatabase,
    tableName: "engine" | "app",
    private readonly dataKey: CryptoKey,
  ) {
    this.table = db.table(tableName)
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const row = await this.table.get(key)
    return row && this.open(row)
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.batch([{ kind: "put", key, value }])
  }

  async delete(key: string): Promise<void> {
    await this.batch([{ kind: "delete", key }])
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const rows =
      prefix === "" ? await this.table.toArray() : await this.table.where("key").startsWith(prefix).toArray()
    return Promise.all(rows.map(async (row) => ({ key: row.key, value: await this.open(row) })))
  }

  async batch(ops: StoreOp[]): Promise<void> {
    // The last operation on a key decides; sealing happens before the
    // transaction because IndexedDB commits a transaction that awaits anything else.
    const last = new Map<string, StoreOp>()
    for (const op of ops) last.set(op.key, op)
    const puts: SealedRow[] = []
    const deletes: string[] = []
    for (const op of last.values()) {
      if (op.kind === "put") puts.push(await this.seal(op.key, op.value))
      else deletes.push(op.key)
    }
    await this.db.transaction("rw", this.table, async () => {
      if (deletes.length) await this.table.bulkDelete(deletes)
      if (puts.length) await this.table.bulkPut(puts)
    })
  }

  async close(): Promise<void> {}

  private async seal(key: string, value: Uint8Array): Promise<SealedRow> {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const data = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(key) },
      this.dataKey,
      value as BufferSource,
    )
    return { key, iv, data: new Uint8Array(data) }
  }

  private async open(row: SealedRow): Promise<Uint8Array> {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: row.iv as BufferSource, additionalData: new TextEncoder().encode(row.key) },
      this.dataKey,
      row.data as BufferSource,
    )
    return new Uint8Array(plain)
  }
}
