import WebSocket from "ws"

/**
 * Runs a full garbage collection in another Node process through its
 * inspector (started with `--inspect=127.0.0.1:<port>`), so that its memory
 * can be read without the garbage its earlier work left: the idle-connection
 * figure is a few KiB per connection, smaller than what a collection happening
 * or not between two readings moves.
 */
export async function collectGarbage(inspectPort: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string
  }[]
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => {
    ws.once("open", resolve)
    ws.once("error", reject)
  })
  try {
    await new Promise<void>((resolve, reject) => {
      ws.on("message", (data: Buffer) => {
        const reply = JSON.parse(data.toString()) as { id?: number; error?: { message: string } }
        if (reply.id !== 1) return
        if (reply.error) reject(new Error(reply.error.message))
        else resolve()
      })
      ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }))
    })
  } finally {
    ws.close()
  }
}

/** A free local port for a child's inspector (taken by the child a moment later). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net")
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}
