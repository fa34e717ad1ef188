import { Limits } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { isAvatar } from "./profile"

const setup = serverForFile()
const { user } = setup

/** Enough of a JPEG for the checks: its start-of-image marker, then bytes. */
const jpeg = (size: number, fill = 1) => {
  const bytes = new Uint8Array(size).fill(fill)
  bytes.set([0xff, 0xd8, 0xff, 0xe0])
  return bytes
}

describe("profile pictures", () => {
  it("a friend sees the picture beside the name; removing it removes it for them too", async () => {
    const { alice, bob } = await setup.twoFriends()
    const picture = jpeg(2000)

    await alice.setAvatar(picture)
    expect(await alice.avatarOf(alice.accountId)).toEqual(picture)
    expect(await bob.avatarOf(alice.accountId)).toBeUndefined()
    expect(await bob.profileOf(alice.accountId)).toEqual({ displayName: "Alice", avatar: picture })
    expect(await bob.avatarOf(alice.accountId)).toEqual(picture)

    // Renaming keeps the picture.
    await alice.setDisplayName("Alice L.")
    expect(await bob.profileOf(alice.accountId)).toEqual({ displayName: "Alice L.", avatar: picture })

    await alice.setAvatar(undefined)
    expect(await bob.profileOf(alice.accountId)).toEqual({ displayName: "Alice L." })
    expect(await bob.avatarOf(alice.accountId)).toBeUndefined()
  })

  it("refuses pictures that are too large or not JPEG/WebP", async () => {
    const alice = await user("Alice")
    await expect(alice.setAvatar(jpeg(Limits.maxAvatarBytes + 1))).rejects.toMatchObject({
      code: "KITH_ERR_TOO_LARGE",
    })
    await expect(alice.setAvatar(new TextEncoder().encode("<svg onload=alert(1)>"))).rejects.toMatchObject({
      code: "KITH_ERR_TOO_LARGE",
    })
    expect(isAvatar(jpeg(Limits.maxAvatarBytes))).toBe(true)
    const webp = new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 ")
    expect(isAvatar(webp)).toBe(true)
    expect(isAvatar(new Uint8Array())).toBe(false)
  })
})
