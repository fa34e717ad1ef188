import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { DeliveryResult, StoredDelivery } from "../store"
import { chunks } from "../chunks"
import { GroupCommit } from "./groupCommit"

/** A write transaction the mailbox store hands its work to. */
export type Writes = <T>(work: (trx: Kysely<Database>) => Promise<T>) => Promise<T>

/** Tables whose rows concurrent writers update in place (sequence counters, reference counts). */
export type LockedTable = "devices" | "ciphertexts"

/**
 * Where the SQL engines differ in how concurrent writers must behave. SQLite
 * has one writer at a time, so batching small writes into one transaction
 * (group commit) is what makes it fast and row locks mean nothing. PostgreSQL
 * runs many transactions at once across nodes: each write is its own
 * transaction, rows updated in place are locked in one global order (sorted
 * ids) so two nodes never deadlock, and claims skip rows another transaction holds.
 */
export interface EngineTraits {
  writes(db: Kysely<Database>): Writes
  /** Locks the rows, in id order, for the rest of the transaction (a no-op where there is one writer). */
  lockRows(trx: Kysely<Database>, table: LockedTable, ids: readonly string[]): Promise<void>
  /** Whether `SELECT … FOR UPDATE SKIP LOCKED` exists. */
  skipLocked: boolean
  /** The engine's own way to make the two writes every message makes (else the portable one). */
  mailboxWrites?: (db: Kysely<Database>) => MailboxWrites
}

/** A delivery and an acknowledgement, in as few round trips as the engine allows. */
export interface MailboxWrites {
  deliver(deliveries: StoredDelivery[], expiresAtMs: number): Promise<DeliveryResult>
  ack(deviceId: string, seqs: number[]): Promise<number>
}

export const sqliteTraits: EngineTraits = {
  writes(db) {
    const commit = new GroupCommit(db)
    return (work) => commit.run(work)
  },
  lockRows: async () => {},
  skipLocked: false,
}

export async function lockRowsInOrder(
  trx: Kysely<Database>,
  table: LockedTable,
  ids: readonly string[],
): Promise<void> {
  const sorted = [...new Set(ids)].sort()
  for (const chunk of chunks(sorted)) {
    await trx.selectFrom(table).select("id").where("id", "in", chunk).orderBy("id").forUpdate().execute()
  }
}
