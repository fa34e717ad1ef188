import { describe, expect, it } from "vitest"
import { normaliseUsername, usernameHash } from "./usernameHash"

describe("usernames", () => {
  it("normalise with NFKC and lower case, then apply the schema's rules", () => {
    expect(normaliseUsername("Alice.W")).toBe("alice.w")
    expect(normaliseUsername("ＡＬＩＣＥ")).toBe("alice")
    expect(normaliseUsername("ab")).toBeUndefined()
    expect(normaliseUsername("a".repeat(33))).toBeUndefined()
    expect(normaliseUsername("al ice")).toBeUndefined()
    expect(normaliseUsername("zoë")).toBeUndefined()
  })

  it("hash under a key: same name same hash, other key other hash", () => {
    const key = new Uint8Array(32).fill(1)
    expect(usernameHash(key, "alice")).toEqual(usernameHash(key, "alice"))
    expect(usernameHash(key, "alice")).not.toEqual(usernameHash(key, "alicf"))
    expect(usernameHash(new Uint8Array(32), "alice")).not.toEqual(usernameHash(key, "alice"))
    expect(usernameHash(key, "alice")).toHaveLength(32)
  })
})
