import { ed25519 } from "@noble/curves/ed25519.js"
import { describe, expect, it } from "vitest"
import { signDeviceCertificate, verifyDeviceCertificate } from "./deviceCertificate"
import { ErrorCode } from "./errors"

function fixture() {
  const accountKey = ed25519.utils.randomSecretKey()
  const deviceKey = ed25519.utils.randomSecretKey()
  const fields = {
    accountId: crypto.getRandomValues(new Uint8Array(16)),
    accountPublicKey: ed25519.getPublicKey(accountKey),
    deviceId: crypto.getRandomValues(new Uint8Array(16)),
    devicePublicKey: ed25519.getPublicKey(deviceKey),
    issuedAtMs: 1_700_000_000_000n,
  }
  return { accountKey, fields }
}

describe("device certificates", () => {
  it("verify when signed by the account key they name", () => {
    const { accountKey, fields } = fixture()
    const encoded = signDeviceCertificate(fields, accountKey)
    const { certificate } = verifyDeviceCertificate(encoded)
    expect(certificate.deviceId).toEqual(fields.deviceId)
    expect(certificate.devicePublicKey).toEqual(fields.devicePublicKey)
  })

  it("are refused when signed by another key", () => {
    const { fields } = fixture()
    const encoded = signDeviceCertificate(fields, ed25519.utils.randomSecretKey())
    expect(() => verifyDeviceCertificate(encoded)).toThrow(
      expect.objectContaining({ code: ErrorCode.BadCertificate }),
    )
  })

  it("are refused after any single-byte change", () => {
    const { accountKey, fields } = fixture()
    const encoded = signDeviceCertificate(fields, accountKey)
    for (let i = 0; i < encoded.length; i++) {
      const tampered = encoded.slice()
      tampered[i]! ^= 0x01
      expect(() => verifyDeviceCertificate(tampered), `byte ${i}`).toThrow(
        expect.objectContaining({ code: ErrorCode.BadCertificate }),
      )
    }
  })
})
