/**
 * The frames a server sends for every message — an Ok with nothing to report
 * (for each Send and Ack) and a MailboxEntry push — written straight into
 * protobuf's wire format. The generic encoder builds a message object, walks
 * the schema by reflection and grows a buffer for each of them; at tens of
 * thousands of frames a second that was a tenth of the server's time. The
 * bytes are exactly those `encodeServerFrame` writes (hotServerFrames.test.ts).
 */

/** ServerFrame field 1 (request_id), varint. */
const REQUEST_ID_TAG = 0x08
/** ServerFrame field 2 (ok), length-delimited. */
const OK_TAG = 0x12
/** ServerFrame field 4 (entry), length-delimited. */
const ENTRY_TAG = 0x22
/** MailboxEntry field 1 (seq), varint. */
const SEQ_TAG = 0x08
/** MailboxEntry field 2 (payload), length-delimited. */
const PAYLOAD_TAG = 0x12

/** `ServerFrame{request_id, ok: Ok{}}`. */
export function encodeOkFrame(requestId: number): Uint8Array {
  const idBytes = requestId === 0 ? 0 : 1 + varintLength(requestId)
  const out = new Uint8Array(idBytes + 2)
  let at = 0
  if (requestId !== 0) {
    out[at++] = REQUEST_ID_TAG
    at = writeVarint(out, at, requestId)
  }
  out[at++] = OK_TAG
  out[at] = 0
  return out
}

/** `ServerFrame{entry: MailboxEntry{seq, payload}}` (pushes carry request_id 0, which is not written). */
export function encodeEntryFrame(seq: number, payload: Uint8Array): Uint8Array {
  const seqBytes = seq === 0 ? 0 : 1 + varintLength(seq)
  const payloadBytes = payload.length === 0 ? 0 : 1 + varintLength(payload.length) + payload.length
  const inner = seqBytes + payloadBytes
  const out = new Uint8Array(1 + varintLength(inner) + inner)
  out[0] = ENTRY_TAG
  let at = writeVarint(out, 1, inner)
  if (seq !== 0) {
    out[at++] = SEQ_TAG
    at = writeVarint(out, at, seq)
  }
  if (payload.length !== 0) {
    out[at++] = PAYLOAD_TAG
    at = writeVarint(out, at, payload.length)
    out.set(payload, at)
  }
  return out
}

/** Bytes of a non-negative integer up to 2^53 as a varint. */
function varintLength(value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    length++
  }
  return length
}

/** Arithmetic, not bit operators: those would cut values above 2^31. */
function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 128) | 0x80
    value = Math.floor(value / 128)
  }
  out[at++] = value
  return at
}
