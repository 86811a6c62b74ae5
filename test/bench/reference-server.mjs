// The reference server for the benchmarks: @y/websocket-server 0.1.1 (its own `src/server.js`, line
// for line, on the `ws` 6 it ships with) with the persistence block of its `src/utils.js`, given
// y-leveldb 0.2.0 instead of the y-leveldb 0.1.x that `YPERSISTENCE` would load.
// Env: PORT, HOST, BENCH_DATA_DIR. Adds one route for the benchmark, GET /__bench/flushed, which
// answers once y-leveldb's write queue (`persistence.tr`) has drained: the reference's durability.
import http from 'node:http'
import { createRequire } from 'node:module'
import * as Y from 'yjs'
import { LeveldbPersistence } from 'y-leveldb'
import { setupWSConnection, setPersistence } from '@y/websocket-server/utils'

// `ws` as @y/websocket-server resolves it (its optional dependency ws@6).
const requireFromServer = createRequire(import.meta.resolve('@y/websocket-server/utils'))
const WebSocket = requireFromServer('ws')

const host = process.env.HOST || 'localhost'
const port = Number.parseInt(process.env.PORT || '1234', 10)
const dir = process.env.BENCH_DATA_DIR
if (!dir) throw new Error('BENCH_DATA_DIR is required')

// Same as the YPERSISTENCE block of @y/websocket-server 0.1.1 src/utils.js.
const ldb = new LeveldbPersistence(dir)
setPersistence({
  provider: ldb,
  bindState: async (docName, ydoc) => {
    const persistedYdoc = await ldb.getYDoc(docName)
    const newUpdates = Y.encodeStateAsUpdate(ydoc)
    ldb.storeUpdate(docName, newUpdates)
    Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(persistedYdoc))
    ydoc.on('update', update => {
      ldb.storeUpdate(docName, update)
    })
  },
  writeState: async (_docName, _ydoc) => {}
})

const flushed = async () => {
  // New work may be chained while we wait: wait until the tail stops moving.
  for (;;) {
    const tail = ldb.tr
    await tail
    if (ldb.tr === tail) return
  }
}

// From here on: @y/websocket-server 0.1.1 src/server.js.
const wss = new WebSocket.Server({ noServer: true })

const server = http.createServer((request, response) => {
  if (request.url === '/__bench/flushed') {
    flushed().then(() => {
      response.writeHead(200, { 'Content-Type': 'text/plain' })
      response.end('flushed')
    })
    return
  }
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})

wss.on('connection', setupWSConnection)

server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, ws => {
    wss.emit('connection', ws, request)
  })
})

server.listen(port, host, () => {
  console.log(`running at '${host}' on port ${port}`)
})
