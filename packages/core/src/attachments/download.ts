import { BLOBS_PATH, ErrorCode, KithError } from "@kith/protocol"
import { openStream } from "./blobCipher"
import { errorOf } from "./tusUpload"

export interface DownloadOptions {
  /** Ciphertext bytes received, out of the padded blob's length. */
  onProgress?: (received: number, total: number) => void
  signal?: AbortSignal
}

/**
 * Downloads a blob by its id (no session: the id is the capability) and
 * decrypts it as it streams. Plaintext chunks are authenticated one by one,
 * but only a generator that runs to its end has proved the whole file: keep
 * the output tentative (a temporary file, an unrendered buffer) until then.
 */
export async function* downloadBlob(
  baseUrl: string,
  attachment: { blobId: string; key: Uint8Array; size: number; digest: Uint8Array },
  options: DownloadOptions = {},
): AsyncGenerator<Uint8Array> {
  let response: Response
  try {
    response = await fetch(`${baseUrl}${BLOBS_PATH}/${attachment.blobId}`, { signal: options.signal })
  } catch (e) {
    throw new KithError(ErrorCode.Network, `GET ${BLOBS_PATH}: ${(e as Error).message}`)
  }
  if (!response.ok || !response.body) throw await errorOf("GET", response)
  const total = Number(response.headers.get("content-length") ?? 0)
  const reader = response.body.getReader()
  async function* pieces(): AsyncGenerator<Uint8Array> {
    let received = 0
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        received += value.length
        options.onProgress?.(received, total)
        yield value
      }
    } finally {
      // Stops the transfer once the ciphertext is read: the padding after it is never needed.
      await reader.cancel().catch(() => undefined)
    }
  }
  yield* openStream(pieces(), attachment.key, attachment.size, attachment.digest)
}
