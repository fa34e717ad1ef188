import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { MemoryStore, type Store } from "./store"
import { SqliteStore } from "./node/sqliteStore"

const dir = mkdtempSync(join(tmpdir(), "kith-store-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bytes = (...values: number[]) => new Uint8Array(values)
let files = 0
const engines: [string, () => Store][] = [
  ["MemoryStore", () => new MemoryStore()],
  ["SqliteStore", () => new SqliteStore(join(dir, `store-${files++}.sqlite`))],
]

describe.each(engines)("%s (the Store contract)", (_name, make) => {
  it("gets what was put, and nothing after delete", async () => {
    const store = make()
    expect(await store.get("a")).toBeUndefined()
    await store.put("a", bytes(1, 2))
    expect(await store.get("a")).toEqual(bytes(1, 2))
    await store.put("a", bytes(3))
    expect(await store.get("a")).toEqual(bytes(3))
    await store.delete("a")
    expect(await store.get("a")).toBeUndefined()
    await store.close()
  })

  it("returns copies, so callers cannot change stored values", async () => {
    const store = make()
    const value = bytes(1)
    await store.put("k", value)
    value[0] = 9
    const read = (await store.get("k"))!
    read[0] = 8
    expect(await store.get("k")).toEqual(bytes(1))
    await store.close()
  })

  it("lists by prefix in key order, without neighbours", async () => {
    const store = make()
    for (const key of ["msg/b/2", "msg/a/1", "msg/b/1", "msh/x", "msg", "msg/b", "conv/1"]) {
      await store.put(key, bytes(key.length))
    }
    expect((await store.list("msg/b/")).map((e) => e.key)).toEqual(["msg/b/1", "msg/b/2"])
    expect((await store.list("msg/")).map((e) => e.key)).toEqual(["msg/a/1", "msg/b", "msg/b/1", "msg/b/2"])
    expect((await store.list("")).length).toBe(7)
    expect((await store.list("zzz")).length).toBe(0)
    await store.close()
  })

  it("applies a batch in order and atomically", async () => {
    const store = make()
    await store.batch([
      { kind: "put", key: "x", value: bytes(1) },
      { kind: "put", key: "y", value: bytes(2) },
      { kind: "delete", key: "x" },
    ])
    expect(await store.get("x")).toBeUndefined()
    expect(await store.get("y")).toEqual(bytes(2))
    // A key the engine refuses fails the whole batch before anything is written.
    await expect(
      store.batch([
        { kind: "put", key: "z", value: bytes(3) },
        { kind: "put", key: "bad\u00e9", value: bytes(4) },
      ]),
    ).rejects.toThrow()
    expect(await store.get("z")).toBeUndefined()
    await store.close()
  })
})

describe("SqliteStore", () => {
  it("keeps its data across close and reopen of the same file", async () => {
    const path = join(dir, "reopen.sqlite")
    const first = new SqliteStore(path)
    await first.batch([{ kind: "put", key: "identity", value: bytes(7, 7) }])
    await first.close()
    const second = new SqliteStore(path)
    expect(await second.get("identity")).toEqual(bytes(7, 7))
    await second.close()
  })
})
