/**
 * Node's built-in crypto module (OpenSSL), where the engine runs on Node.
 *
 * Its HMAC, ChaCha20-Poly1305 and Ed25519 are native and synchronous: no
 * promise, no job on another thread. WebCrypto, the only native crypto a
 * browser has, answers every call through a promise settled from a worker
 * thread, and that round trip costs more than signing itself. Core stays platform-neutral: the
 * module is asked for at run time (process.getBuiltinModule, Node 20.16+),
 * never imported, so browser bundles neither contain nor need it.
 */

/** The few members of node:crypto that Kith's MLS provider uses. */
export interface NodeCrypto {
  createHmac(algorithm: string, key: Uint8Array): NodeHmac
  createPrivateKey(key: { key: Uint8Array; format: "der"; type: "pkcs8" }): NodeKeyObject
  createPublicKey(key: { key: Uint8Array; format: "der"; type: "spki" }): NodeKeyObject
  createCipheriv(
    algorithm: "chacha20-poly1305",
    key: Uint8Array,
    iv: Uint8Array,
    options: { authTagLength: number },
  ): NodeCipher
  createDecipheriv(
    algorithm: "chacha20-poly1305",
    key: Uint8Array,
    iv: Uint8Array,
    options: { authTagLength: number },
  ): NodeDecipher
  sign(algorithm: null, data: Uint8Array, key: NodeKeyObject): Uint8Array
  verify(algorithm: null, data: Uint8Array, key: NodeKeyObject, signature: Uint8Array): boolean
}

export interface NodeHmac {
  update(data: Uint8Array): NodeHmac
  digest(): Uint8Array
}

export interface NodeCipher {
  setAAD(aad: Uint8Array): unknown
  update(data: Uint8Array): Uint8Array
  final(): Uint8Array
  getAuthTag(): Uint8Array
}

export interface NodeDecipher {
  setAAD(aad: Uint8Array): unknown
  setAuthTag(tag: Uint8Array): unknown
  update(data: Uint8Array): Uint8Array
  /** Throws when the tag does not authenticate the ciphertext and AAD. */
  final(): Uint8Array
}

/** An imported key, opaque to Kith. */
export interface NodeKeyObject {
  readonly type: string
}

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown
}

/** node:crypto on Node, undefined elsewhere (browsers, or Node before 20.16). */
export function nodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: ProcessWithBuiltins }).process
  const module = process?.getBuiltinModule?.("node:crypto")
  return module ? (module as NodeCrypto) : undefined
}
