import { sql, type Kysely } from "kysely"
import type { Database } from "./schema"
import type { DeliveryResult, StoredDelivery } from "./store"
import type { MailboxWrites } from "./kysely/engineTraits"
import { newId } from "../ids"
import { retryLostRaces } from "./postgresErrors"

/** Batches in flight per kind of write; what arrives meanwhile waits and joins the next batch. */
const MAX_IN_FLIGHT = 3
/** Recipient rows (or acknowledged entries) one statement takes on. */
const MAX_ROWS = 4000

interface Pending<I, O> {
  input: I
  rows: number
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

/**
 * Group commit for PostgreSQL: writes of the same kind that arrive together
 * (from many connections of this node) go to the database as one statement.
 * Each caller's promise settles only after that statement has committed; if
 * it fails, every caller in it gets the error. Unlike SQLite's group commit,
 * a few batches run at once, so one slow batch does not hold up the node.
 */
class Batcher<I, O> {
  private readonly queue: Pending<I, O>[] = []
  private inFlight = 0
  private scheduled = false

  constructor(private readonly run: (inputs: I[]) => Promise<O[]>) {}

  submit(input: I, rows: number): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, rows, resolve, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return
    this.scheduled = true
    // Let the frames already received join this batch.
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return
    let rows = 0
    let take = 0
    while (take < this.queue.length && (take === 0 || rows + this.queue[take]!.rows <= MAX_ROWS)) {
      rows += this.queue[take]!.rows
      take++
    }
    const batch = this.queue.splice(0, take)
    this.inFlight++
    this.schedule()
    try {
      const results = await this.run(batch.map((p) => p.input))
      batch.forEach((p, i) => p.resolve(results[i]!))
    } catch (error) {
      for (const p of batch) p.reject(error)
    } finally {
      this.inFlight--
      this.schedule()
    }
  }
}

interface DeliverInput {
  deliveries: StoredDelivery[]
  expiresAtMs: number
}

interface AckInput {
  deviceId: string
  seqs: number[]
}

/**
 * Stores many deliveries in one statement: every recipient's counter row is
 * locked in id order, each recipient row gets the next sequence numbers of
 * its mailbox (several in a batch, in arrival order), each payload is stored
 * once with its reference count, and one entry per recipient.
 */
async function deliverBatch(db: Kysely<Database>, inputs: DeliverInput[]): Promise<DeliveryResult[]> {
  const recipientDelivery: number[] = []
  const recipientDevice: string[] = []
  const deliveryIndex: number[] = []
  const ciphertextIds: string[] = []
  const payloads: Uint8Array[] = []
  const expiries: number[] = []
  for (const input of inputs) {
    for (const delivery of input.deliveries) {
      const index = deliveryIndex.length
      deliveryIndex.push(index)
      ciphertextIds.push(newId())
      payloads.push(delivery.payload)
      expiries.push(input.expiresAtMs)
      for (const deviceId of delivery.deviceIds) {
        recipientDelivery.push(index)
        recipientDevice.push(deviceId)
      }
    }
  }
  const { rows } = await sql<{ ciphertext_id: string; device_id: string }>`
    with r as (
      select * from unnest(${recipientDelivery}::int[], ${recipientDevice}::text[]) with ordinality as t(delivery, device_id, ord)
    ), d as (
      select * from unnest(${deliveryIndex}::int[], ${ciphertextIds}::text[], ${payloads}::bytea[], ${expiries}::bigint[])
        as t(delivery, ciphertext_id, payload, expires_at)
    ), locked as (
      select id, next_seq from devices where id in (select device_id from r) order by id for update
    ), numbered as (
      select r.delivery, r.device_id, locked.next_seq + row_number() over (partition by r.device_id order by r.ord) - 1 as seq
      from r join locked on locked.id = r.device_id
    ), bumped as (
      update devices set next_seq = devices.next_seq + c.n
      from (select device_id, count(*) as n from numbered group by device_id) c
      where devices.id = c.device_id
    ), stored as (
      insert into ciphertexts (id, payload, refs, expires_at)
      select d.ciphertext_id, d.payload, c.n, d.expires_at
      from d join (select delivery, count(*) as n from numbered group by delivery) c on c.delivery = d.delivery
    )
    insert into mailbox_entries (device_id, seq, ciphertext_id, expires_at)
    select numbered.device_id, numbered.seq, d.ciphertext_id, d.expires_at from numbered join d on d.delivery = numbered.delivery
    returning ciphertext_id, device_id`.execute(db)
  const indexOf = new Map(ciphertextIds.map((id, i) => [id, i]))
  const reached = deliveryIndex.map(() => [] as string[])
  for (const row of rows) reached[indexOf.get(row.ciphertext_id)!]!.push(row.device_id)
  let next = 0
  return inputs.map((input) => {
    const delivered = new Set<string>()
    const asked = new Set<string>()
    let entries = 0
    for (const delivery of input.deliveries) {
      const got = reached[next++]!
      entries += got.length
      for (const id of got) delivered.add(id)
      for (const id of delivery.deviceIds) asked.add(id)
    }
    return { delivered: [...delivered], unknown: [...asked].filter((id) => !delivered.has(id)), entries }
  })
}

/**
 * Acknowledges many devices' entries in one statement: deletes the entries,
 * then for each ciphertext they pointed to (locked in id order) deletes it if
 * these were its last references, or lowers its count.
 */
async function ackBatch(db: Kysely<Database>, inputs: AckInput[]): Promise<number[]> {
  const devices: string[] = []
  const seqs: number[] = []
  for (const input of inputs) {
    for (const seq of input.seqs) {
      devices.push(input.deviceId)
      seqs.push(seq)
    }
  }
  const { rows } = await sql<{ device_id: string; seq: string | number }>`
    with a as (
      select * from unnest(${devices}::text[], ${seqs}::bigint[]) as t(device_id, seq)
    ), gone as (
      delete from mailbox_entries m using a where m.device_id = a.device_id and m.seq = a.seq
      returning m.device_id, m.seq, m.ciphertext_id
    ), counts as (
      select ciphertext_id as id, count(*) as n from gone group by ciphertext_id
    ), locked as (
      select c.id, c.refs, counts.n from ciphertexts c join counts on c.id = counts.id order by c.id for update of c
    ), dropped as (
      delete from ciphertexts c using locked where c.id = locked.id and locked.refs <= locked.n
    ), kept as (
      update ciphertexts c set refs = c.refs - locked.n from locked where c.id = locked.id and locked.refs > locked.n
    )
    select device_id, seq from gone`.execute(db)
  const deleted = new Set(rows.map((r) => `${r.device_id} ${Number(r.seq)}`))
  return inputs.map((input) => {
    let n = 0
    for (const seq of new Set(input.seqs)) if (deleted.delete(`${input.deviceId} ${seq}`)) n++
    return n
  })
}

/** The two writes every message makes, batched across this node's connections. */
export class PostgresWriteBatches implements MailboxWrites {
  private readonly deliveries: Batcher<DeliverInput, DeliveryResult>
  private readonly acks: Batcher<AckInput, number>

  constructor(db: Kysely<Database>) {
    this.deliveries = new Batcher((inputs) => retryLostRaces(() => deliverBatch(db, inputs)))
    this.acks = new Batcher((inputs) => retryLostRaces(() => ackBatch(db, inputs)))
  }

  deliver(deliveries: StoredDelivery[], expiresAtMs: number): Promise<DeliveryResult> {
    const rows = deliveries.reduce((n, d) => n + d.deviceIds.length, 0)
    return this.deliveries.submit({ deliveries, expiresAtMs }, rows)
  }

  ack(deviceId: string, seqs: number[]): Promise<number> {
    return this.acks.submit({ deviceId, seqs }, seqs.length)
  }
}
