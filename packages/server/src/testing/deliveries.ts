import type { TestDevice } from "./identities"

/** One recipient of a delivery: a device, and the delivery token of its account (empty = unsealed). */
export function to(device: TestDevice, deliveryToken: Uint8Array = new Uint8Array()) {
  return { deviceId: device.deviceIdBytes, deliveryToken }
}

export function delivery(payload: Uint8Array, recipients: ReturnType<typeof to>[]) {
  return { payload, recipients }
}

/** A recognisable payload: a fixed marker then a counter, so a test can find it in any byte stream. */
export function payload(n: number, marker = "KITH-TEST-PAYLOAD"): Uint8Array {
  return new TextEncoder().encode(`${marker}-${n}-${"x".repeat(n % 7)}`)
}
