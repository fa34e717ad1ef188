import type { Command } from "commander"
import { ErrorCode, KithError } from "@kith/protocol"
import type { DeviceView } from "@kith/core"
import type { CliContext } from "../context"
import { formatTime } from "../format"
import { positiveInteger } from "../parse"
import { withDevice, withNewDevice } from "../runner"

/** The server keeps a link slot for 10 minutes; waiting longer is pointless. */
const defaultLinkTimeoutSeconds = 600

function deviceLine(device: DeviceView): string {
  return `${device.deviceId}  added ${formatTime(device.issuedAtMs)}${device.current ? "  (this device)" : ""}`
}

/** Resolves with `work`, or fails with `onTimeout()` after `ms`; the timer never outlives the race. */
async function within<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  // If the timeout wins, a later failure of `work` is expected and must not surface as unhandled.
  work.catch(() => {})
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** device link-code|link|list|remove. */
export function addDeviceCommands(program: Command, ctx: CliContext): void {
  const device = program.command("device").description("this account's devices")

  device
    .command("link-code")
    .description("print a one-time code for linking a new device, and wait until it is linked")
    .option("--timeout <seconds>", "give up after this long", positiveInteger, defaultLinkTimeoutSeconds)
    .action(async (options: { timeout: number }, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const { code, done } = await client.createLinkCode()
        // Printed at once (a JSON line with --json): the user needs it while this command waits.
        ctx.output.result({
          json: { code },
          text: [
            `Link code: ${code}`,
            "On the new device run: kith --home <its home> device link <code>",
            "Waiting for it… (the code works once, for 10 minutes)",
          ],
        })
        await within(
          done,
          options.timeout * 1000,
          () =>
            new KithError(ErrorCode.BadLinkCode, `no device used the link code within ${options.timeout} s`),
        )
        return {
          json: { linked: true },
          text: ["The new device is linked and has joined your conversations."],
        }
      })
    })

  device
    .command("link")
    .description("make this (empty) home a new device of an existing account, using a link code")
    .argument("<code>", "the code shown by `kith device link-code` on a device you already have")
    .action(async (code: string, _options: unknown, command: Command) => {
      await withNewDevice(ctx, command, async ({ serverUrl, store, engine }) => {
        const client = await engine.link(serverUrl, store, code.trim())
        try {
          const me = await client.whoami()
          return {
            json: { accountId: me.accountId, deviceId: me.deviceId, serverUrl },
            text: [`This home is now device ${me.deviceId} of account ${me.accountId}.`],
          }
        } finally {
          await client.close()
        }
      })
    })

  device
    .command("list")
    .description("list this account's devices")
    .action(async (_options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const devices = await client.devices()
        return { json: devices, text: devices.map(deviceLine) }
      })
    })

  device
    .command("remove")
    .description("remove a device: it loses its access and leaves every conversation")
    .argument("<deviceId>", "from `kith device list`")
    .action(async (deviceId: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        await client.removeDevice(deviceId)
        return { json: { removed: deviceId }, text: [`Removed device ${deviceId}.`] }
      })
    })
}
