import { createReadStream, createWriteStream } from "node:fs"
import { mkdir, readFile, readdir, rm, stat, writeFile, rename } from "node:fs/promises"
import { join } from "node:path"
import { Transform, type Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { ErrorCode, KithError } from "@kith/protocol"
import type { BlobRecord, BlobState, BlobStore } from "./blobStore"

const diskFaults = new Set(["ENOSPC", "EDQUOT", "EIO", "EACCES", "EROFS", "ENOENT"])
const idPattern = /^[A-Za-z0-9_-]{22}$/

/**
 * Blobs as files: `<id>.data` holds the bytes received so far (its size is
 * the upload offset, so a restarted server resumes exactly where the disk
 * stopped) and `<id>.json` the record. Appends stream to disk; nothing is
 * held in memory beyond one network chunk.
 */
export class FsBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<FsBlobStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    return new FsBlobStore(dir)
  }

  private path(id: string, ext: "data" | "json"): string {
    // Ids come from URLs: only ever our own 22-character base64url names touch the disk.
    if (!idPattern.test(id)) throw new KithError(ErrorCode.NotFound, "no such blob")
    return join(this.dir, `${id}.${ext}`)
  }

  async create(record: BlobRecord): Promise<void> {
    await writeFile(this.path(record.id, "data"), new Uint8Array(), { flag: "wx", mode: 0o600 })
    // Written under a temporary name and renamed, so a crash never leaves half a record.
    const tmp = `${this.path(record.id, "json")}.tmp`
    await writeFile(tmp, JSON.stringify(record), { mode: 0o600 })
    await rename(tmp, this.path(record.id, "json"))
  }

  async get(id: string): Promise<BlobState | undefined> {
    if (!idPattern.test(id)) return undefined
    try {
      const record = JSON.parse(await readFile(this.path(id, "json"), "utf8")) as BlobRecord
      const { size } = await stat(this.path(id, "data"))
      return { ...record, offset: size }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined
      throw e
    }
  }

  async append(id: string, offset: number, bytes: Readable): Promise<number> {
    const blob = await this.get(id)
    if (!blob) throw new KithError(ErrorCode.NotFound, "no such blob")
    if (blob.offset !== offset) throw new KithError(ErrorCode.Conflict, `upload offset is ${blob.offset}`)
    let room = blob.length - offset
    let overflow = false
    const cap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (chunk.length > room) {
          overflow = true
          done(new KithError(ErrorCode.TooLarge, "more bytes than the upload declared"))
          return
        }
        room -= chunk.length
        done(null, chunk)
      },
    })
    try {
      await pipeline(bytes, cap, createWriteStream(this.path(id, "data"), { flags: "a" }))
    } catch (e) {
      if (overflow || diskFaults.has((e as NodeJS.ErrnoException).code ?? "")) throw e
      // A dropped connection: what reached the disk stays, the client asks HEAD and resumes.
    }
    return (await stat(this.path(id, "data"))).size
  }

  read(id: string): Readable {
    return createReadStream(this.path(id, "data"))
  }

  async delete(id: string): Promise<void> {
    await rm(this.path(id, "json"), { force: true })
    await rm(this.path(id, "data"), { force: true })
  }

  async list(): Promise<BlobState[]> {
    const names = await readdir(this.dir)
    const found: BlobState[] = []
    for (const name of names) {
      if (!name.endsWith(".json")) continue
      const blob = await this.get(name.slice(0, -".json".length))
      if (blob) found.push(blob)
    }
    return found
  }
}
