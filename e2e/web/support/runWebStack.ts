/**
 * Runs the browser tests' Kith stack in its own process (the test runner's
 * TypeScript loader never has to load the server) and prints one JSON line
 * with its URLs. It stops when its standard input closes or on SIGTERM.
 */
import { startWebStack } from "./webStack"

const stack = await startWebStack()
process.stdout.write(JSON.stringify({ url: stack.url }) + "\n")

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await stack.close()
  process.exit(0)
}
process.on("SIGTERM", () => void stop())
process.on("SIGINT", () => void stop())
process.stdin.on("end", () => void stop())
process.stdin.resume()
