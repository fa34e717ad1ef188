import { createInterface } from "node:readline"
import { runCli } from "./cli"

/** `kith …`: Kith's terminal client. Everything interesting happens in runCli. */

async function readLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt)
  const lines = createInterface({ input: process.stdin, terminal: false })
  for await (const line of lines) {
    lines.close()
    return line
  }
  return ""
}

/** Ctrl-C, or a supervisor's polite stop: either ends a `listen` cleanly. */
function waitForInterrupt(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop)
      process.off("SIGTERM", stop)
      resolve()
    }
    process.on("SIGINT", stop)
    process.on("SIGTERM", stop)
  })
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()))
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readLine,
  waitForInterrupt,
})
await Promise.all([flush(process.stdout), flush(process.stderr)])
// Exit explicitly: a reconnect timer or a socket still closing must not keep a finished command alive.
process.exit(exitCode)
