import { describe, expect, it } from "vitest"
import { decodeServerFrame, encodeServerFrame } from "./frameCodec"
import { encodeEntryFrame, encodeOkFrame } from "./hotServerFrames"

const ids = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]
const seqs = [0, 1, 127, 128, 255, 2 ** 21, 2 ** 32, 2 ** 35 + 17, Number.MAX_SAFE_INTEGER]
const payloadSizes = [0, 1, 127, 128, 300, 16_384, 70_000]
/** Byte-for-byte, without a slow element-wise diff of large arrays. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0

describe("frames written by hand", () => {
  it("writes an Ok exactly as the generic encoder does", () => {
    for (const requestId of ids) {
      const generic = encodeServerFrame({
        requestId,
        body: { case: "ok", value: { $typeName: "kith.v1.Ok", unknownDeviceIds: [], skippedDeviceIds: [] } },
      })
      expect(encodeOkFrame(requestId)).toEqual(generic)
    }
  })

  it("writes a MailboxEntry exactly as the generic encoder does, and it decodes to the same values", () => {
    for (const seq of seqs) {
      for (const size of payloadSizes) {
        const payload = new Uint8Array(size).map((_, i) => (i * 7 + seq) & 0xff)
        const frame = encodeEntryFrame(seq, payload)
        const generic = encodeServerFrame({
          requestId: 0,
          body: { case: "entry", value: { $typeName: "kith.v1.MailboxEntry", seq: BigInt(seq), payload } },
        })
        expect(same(frame, generic)).toBe(true)
        const decoded = decodeServerFrame(frame)
        expect(decoded.body.case).toBe("entry")
        if (decoded.body.case === "entry") {
          expect(decoded.body.value.seq).toBe(BigInt(seq))
          expect(same(decoded.body.value.payload, payload)).toBe(true)
        }
      }
    }
  })
})
