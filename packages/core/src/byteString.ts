interface NodeBuffer {
  from(buffer: ArrayBufferLike, offset: number, length: number): { toString(encoding: "latin1"): string }
}

/**
 * Bytes as a string of one character per byte: a cheap, exact key for a Map
 * (the engine hashes and compares strings natively). Node's Buffer where it
 * exists (native and fast), else TextDecoder (null leaves Buffer out).
 */
export function byteString(
  buffer: NodeBuffer | null | undefined = (globalThis as { Buffer?: NodeBuffer }).Buffer,
): (data: Uint8Array) => string {
  if (buffer) return (data) => buffer.from(data.buffer, data.byteOffset, data.length).toString("latin1")
  // WHATWG "latin1" is windows-1252, which still maps each of the 256 bytes to its own character.
  const decoder = new TextDecoder("latin1")
  return (data) => decoder.decode(data)
}
