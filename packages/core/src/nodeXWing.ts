import { CipherSuite } from "@hpke/core"
import { XWing } from "@hpke/hybridkem-x-wing"
import type { Hpke, HpkeAlgorithm } from "ts-mls"
/* eslint-disable no-restricted-imports -- the rule's "crypto" (Node's module) also matches ts-mls' own platform-neutral crypto/ folder */
import { makeGenericHpke } from "ts-mls/crypto/implementation/hpke.js"
import { makeKdf } from "ts-mls/crypto/implementation/default/makeKdfImpl.js"
import { makeAead } from "ts-mls/crypto/implementation/noble/makeAead.js"
/* eslint-enable no-restricted-imports */
import type { X25519Derive } from "./nodeX25519"

/**
 * The library's X-Wing KEM (@hpke/hybridkem-x-wing: ML-KEM-768, the SHA3-256
 * combiner, key expansion with SHAKE256) with its X25519 half handed to
 * another implementation (nodeX25519.ts on Node). X-Wing reaches X25519 only
 * through derive() on its protected `_x25519` member, a subclass's to set:
 * no other part of the KEM is rewritten, and the draft's test vectors and
 * cross-checks against the unchanged class (nodeXWing.test.ts) guard the
 * member's meaning across upgrades of the pinned version.
 */
export class XWingWithX25519 extends XWing {
  constructor(x25519: X25519Derive) {
    super()
    this._x25519 = x25519 as unknown as typeof this._x25519
  }
}

/**
 * HPKE for MLS exactly as ts-mls builds it (its KDF and AEAD, its wrapper
 * turning failures into CryptoError), around the given KEM. ts-mls takes no
 * KEM from outside, so its own building blocks are put together again here.
 */
export async function hpkeWithKem(
  algorithm: HpkeAlgorithm,
  kem: ConstructorParameters<typeof CipherSuite>[0]["kem"],
): Promise<Hpke> {
  const [aead, aeadInterface] = await makeAead(algorithm.aead)
  const suite = new CipherSuite({ kem, kdf: makeKdf(algorithm.kdf), aead: aeadInterface })
  return makeGenericHpke(algorithm, aead, suite)
}
