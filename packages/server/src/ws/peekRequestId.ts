/**
 * Finds request_id (field 1, a varint) in a frame that failed to decode, so
 * the Error reply can still name the request it answers. Nothing else is read
 * from such a frame; anything unexpected gives 0 ("unknown").
 */
export function peekRequestId(bytes: Uint8Array): number {
  let offset = 0
  const varint = (): bigint | undefined => {
    let value = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (offset >= bytes.length) return undefined
      const byte = bytes[offset++]!
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
    }
    return undefined
  }
  while (offset < bytes.length) {
    const tag = varint()
    if (tag === undefined) return 0
    const field = tag >> 3n
    const wireType = Number(tag & 7n)
    if (field === 1n && wireType === 0) {
      const id = varint()
      return id === undefined || id > 0xffffffffn ? 0 : Number(id)
    }
    switch (wireType) {
      case 0:
        if (varint() === undefined) return 0
        break
      case 1:
        offset += 8
        break
      case 2: {
        const length = varint()
        if (length === undefined) return 0
        offset += Number(length)
        break
      }
      case 5:
        offset += 4
        break
      default:
        return 0
    }
  }
  return 0
}
