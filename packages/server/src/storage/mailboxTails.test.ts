import { describe, expect, it } from "vitest"
import { MailboxTails } from "./mailboxTails"

const later = Date.now() + 60_000
const bytes = (n: number) => new Uint8Array([n])
const seqs = (entries: { seq: number }[] | undefined) => entries?.map((e) => e.seq)

function committed(tails: MailboxTails, device: string, ...numbers: number[]): void {
  for (const seq of numbers) tails.stage(device, seq, bytes(seq), later)
  tails.commitStaged()
}

describe("MailboxTails", () => {
  it("answers only for committed entries, from the next unpushed one", () => {
    const tails = new MailboxTails()
    tails.stage("d", 1, bytes(1), later)
    expect(tails.read("d", 0, 10, Date.now())).toBeUndefined()
    tails.commitStaged()
    committed(tails, "d", 2, 3)
    expect(seqs(tails.read("d", 0, 10, Date.now()))).toEqual([1, 2, 3])
    expect(seqs(tails.read("d", 1, 1, Date.now()))).toEqual([2])
    // Everything pushed and nothing newer committed: the database need not be asked.
    expect(tails.read("d", 3, 10, Date.now())).toEqual([])
  })

  it("sends a reader to the database for anything before its first entry", () => {
    const tails = new MailboxTails()
    committed(tails, "d", 5, 6)
    expect(tails.read("d", 3, 10, Date.now())).toBeUndefined()
    expect(tails.read("d", 0, 10, Date.now())).toBeUndefined()
    expect(tails.read("other", 0, 10, Date.now())).toBeUndefined()
  })

  it("forgets what a failed batch staged, and a device another writer stores for", () => {
    const tails = new MailboxTails()
    committed(tails, "d", 1)
    tails.stage("d", 2, bytes(2), later)
    tails.discardStaged()
    expect(tails.read("d", 0, 10, Date.now())).toBeUndefined()
    committed(tails, "e", 1)
    tails.forget("e")
    expect(tails.read("e", 0, 10, Date.now())).toBeUndefined()
  })

  it("starts again after a gap, since the missing number was stored by someone else", () => {
    const tails = new MailboxTails()
    committed(tails, "d", 1, 2)
    committed(tails, "d", 4)
    expect(tails.read("d", 0, 10, Date.now())).toBeUndefined()
    expect(tails.read("d", 2, 10, Date.now())).toBeUndefined()
    expect(seqs(tails.read("d", 3, 10, Date.now()))).toEqual([4])
  })

  it("drops acknowledged entries from the front, and the whole tail for an acknowledgement in the middle", () => {
    const tails = new MailboxTails()
    committed(tails, "d", 1, 2, 3)
    tails.acknowledged("d", [1, 2])
    expect(seqs(tails.read("d", 2, 10, Date.now()))).toEqual([3])
    expect(tails.read("d", 0, 10, Date.now())).toBeUndefined()
    tails.acknowledged("d", [3])
    expect(tails.read("d", 3, 10, Date.now())).toEqual([])
    committed(tails, "d", 4, 5, 6)
    tails.acknowledged("d", [5])
    expect(tails.read("d", 3, 10, Date.now())).toBeUndefined()
  })

  it("never answers with an expired entry", () => {
    const tails = new MailboxTails()
    tails.stage("d", 1, bytes(1), Date.now() - 1)
    tails.commitStaged()
    expect(tails.read("d", 0, 10, Date.now())).toBeUndefined()
  })
})
