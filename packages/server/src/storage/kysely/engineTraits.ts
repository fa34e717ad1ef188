import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type BetterSqlite3 from "better-sqlite3"
import type { DeliveryResult, MailboxEntry, RecipientInfo, StoredDelivery } from "../store"
import { chunks } from "../chunks"
import { GroupCommit } from "./groupCommit"
import { WalSync } from "../walSync"
import type { Checkpointer } from "../checkpointer"

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
  /** The engine's own way to make the two reads every message makes (else the portable one). */
  mailboxReads?: (db: Kysely<Database>) => MailboxReads
  /**
   * Entries of these devices are stored or deleted outside the engine's own
   * mailbox path, in a transaction open now: what the engine keeps of them in memory goes.
   */
  changedElsewhere?: (deviceIds: readonly string[]) => void
  /** Releases what the traits hold beside the database (called after the database is closed). */
  close?: () => Promise<void>
}

/** A delivery and an acknowledgement, in as few round trips as the engine allows. */
export interface MailboxWrites {
  deliver(deliveries: StoredDelivery[], expiresAtMs: number): Promise<DeliveryResult>
  ack(deviceId: string, seqs: number[]): Promise<number>
}

/** Recipients and mailbox entries read without the query builder; undefined when it cannot be done now. */
export interface MailboxReads {
  lookupRecipients(deviceIds: string[]): Map<string, RecipientInfo> | undefined
  fetch(deviceId: string, afterSeq: number, limit: number, nowMs: number): MailboxEntry[] | undefined
}

/** SQLite's own mailbox path, which keeps the newest entries in memory. */
export interface SqliteMailboxPath extends MailboxWrites, MailboxReads {
  changedElsewhere(deviceIds: readonly string[]): void
}

export const sqliteTraits: EngineTraits = {
  writes(db) {
    const commit = new GroupCommit(db)
    return (work) => commit.run(work)
  },
  lockRows: async () => {},
  skipLocked: false,
}

/**
 * SQLite with its raw connection at hand: the statements every message runs
 * skip the query builder (sqliteMailbox.ts), and group commits made only of
 * them run synchronously, their disk sync off the event loop (walSync.ts).
 */
export function sqliteTraitsWith(
  raw: BetterSqlite3.Database,
  mailbox: (raw: BetterSqlite3.Database, commit: GroupCommit) => SqliteMailboxPath,
  checkpointer?: Checkpointer,
): EngineTraits {
  const walSync = raw.memory ? undefined : new WalSync(`${raw.name}-wal`)
  let shared: SqliteMailboxPath | undefined
  const mailboxOf = (db: Kysely<Database>) => (shared ??= mailbox(raw, new GroupCommit(db, raw, walSync)))
  return {
    changedElsewhere: (deviceIds) => shared?.changedElsewhere(deviceIds),
    close: async () => {
      await checkpointer?.stop()
      walSync?.close()
    },
    ...sqliteTraits,
    writes(db) {
      const commit = new GroupCommit(db, raw)
      return (work) => commit.run(work)
    },
    mailboxWrites: mailboxOf,
    mailboxReads: mailboxOf,
  }
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
