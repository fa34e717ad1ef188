import { describe, expect, it } from "vitest"
import { MemoryExpiringSet } from "../ephemeral/expiringSet"
import { RegistrationChallenges, REGISTRATION_CHALLENGE_TTL_MS } from "./registrationChallenges"

function setup() {
  let now = Date.UTC(2030, 0, 1)
  const clock = () => now
  const key = new Uint8Array(32).fill(7)
  return {
    challenges: new RegistrationChallenges(key, clock, new MemoryExpiringSet(clock)),
    other: new RegistrationChallenges(new Uint8Array(32), clock, new MemoryExpiringSet(clock)),
    advance: (ms: number) => (now += ms),
  }
}

describe("registration challenges", () => {
  it("are valid for 5 minutes, only for the server that made them", () => {
    const { challenges, other, advance } = setup()
    const challenge = challenges.issue()
    expect(challenge).toHaveLength(40)
    expect(challenges.isValid(challenge)).toBe(true)
    expect(other.isValid(challenge)).toBe(false)
    advance(REGISTRATION_CHALLENGE_TTL_MS - 1)
    expect(challenges.isValid(challenge)).toBe(true)
    advance(1)
    expect(challenges.isValid(challenge)).toBe(false)
  })

  it("refuse any altered byte, including the time", () => {
    const { challenges } = setup()
    const challenge = challenges.issue()
    for (let i = 0; i < challenge.length; i++) {
      const altered = challenge.slice()
      altered[i] = altered[i]! ^ 0x01
      expect(challenges.isValid(altered)).toBe(false)
    }
    expect(challenges.isValid(challenge.subarray(0, 39))).toBe(false)
  })

  it("can be spent once", async () => {
    const { challenges } = setup()
    const challenge = challenges.issue()
    expect(await challenges.spend(challenge)).toBe(true)
    expect(await challenges.spend(challenge)).toBe(false)
  })
})
