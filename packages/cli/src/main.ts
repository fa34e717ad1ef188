import { runCli } from "./cli"

/** `kith …`: Kith's terminal client. Everything interesting happens in runCli. */

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString("utf8")
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()))
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin,
  waitForInterrupt: () => new Promise((resolve) => process.once("SIGINT", () => resolve())),
})
await Promise.all([flush(process.stdout), flush(process.stderr)])
// Exit explicitly: a reconnect timer or a socket still closing must not keep a finished command alive.
process.exit(exitCode)
