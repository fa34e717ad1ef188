import { open } from "node:fs/promises"
import type { BlobSource } from "../attachments/blobCipher"

/**
 * A file on disk as an attachment source: read a chunk at a time, so a
 * 100 MB file costs one chunk of memory. `close` releases the handle.
 */
export async function fileSource(path: string): Promise<BlobSource & { close(): Promise<void> }> {
  const handle = await open(path, "r")
  const { size } = await handle.stat()
  return {
    size,
    read: async (offset, length) => {
      const buffer = new Uint8Array(length)
      let filled = 0
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return buffer.subarray(0, filled)
    },
    close: () => handle.close(),
  }
}
