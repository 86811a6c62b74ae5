// The Hocuspocus 4 peer of the benchmarks (@hocuspocus/server 4.7.0) with @hocuspocus/extension-database
// storing each document as one value (its full state, `Y.encodeStateAsUpdate`), with the server's
// default store debounce (2 s, at most 10 s): Hocuspocus' own durability design. Two deployments:
// - one instance (the single-instance scenarios): the document in LevelDB (`level` 10, the one
//   meetpad uses, one key per document, writes without fsync as meetpad's and y-leveldb's are);
// - several instances (scaleout, scalecrash): the document as one bytea row in PostgreSQL
//   (through `pg`, as meetpad does), and @hocuspocus/extension-redis between the instances.
// Env: PORT, HOST, and BENCH_DATA_DIR (LevelDB) or DATABASE_URL (PostgreSQL); REDIS_URL adds Redis.
// Adds GET /__bench/flushed: answers once no document has a store debounced, running or writing,
// i.e. every change Hocuspocus has applied so far has been written by the store.
import { Server } from '@hocuspocus/server'
import { Database } from '@hocuspocus/extension-database'

const host = process.env.HOST || '127.0.0.1'
const port = Number.parseInt(process.env.PORT || '1234', 10)

const openStore = async () => {
  if (process.env.DATABASE_URL) {
    const { default: pg } = await import('pg')
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 })
    pool.on('error', () => {})
    await pool.query('CREATE TABLE IF NOT EXISTS hocuspocus_documents (name text PRIMARY KEY, data bytea NOT NULL)')
    return {
      fetch: async (name) => {
        const { rows } = await pool.query('SELECT data FROM hocuspocus_documents WHERE name = $1', [name])
        return rows[0] ? new Uint8Array(rows[0].data) : null
      },
      store: (name, state) => pool.query('INSERT INTO hocuspocus_documents (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data', [name, state]),
      close: () => pool.end(),
    }
  }
  const dir = process.env.BENCH_DATA_DIR
  if (!dir) throw new Error('BENCH_DATA_DIR or DATABASE_URL is required')
  const { Level } = await import('level')
  const db = new Level(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  return {
    fetch: async (name) => (await db.get(name)) ?? null,
    store: (name, state) => db.put(name, state),
    close: () => db.close(),
  }
}

const backend = await openStore()
const extensions = []
if (process.env.REDIS_URL) {
  const { Redis } = await import('@hocuspocus/extension-redis')
  const redisUrl = new URL(process.env.REDIS_URL)
  extensions.push(new Redis({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }))
}

let pendingStores = 0
extensions.push(
  new Database({
    fetch: ({ documentName }) => backend.fetch(documentName),
    store: async ({ documentName, state }) => {
      pendingStores++
      try {
        await backend.store(documentName, state)
      } finally {
        pendingStores--
      }
    },
  }),
)

// Durable in Hocuspocus' sense: no document waits for its debounced store, none is storing, and no
// write is in flight. Every update is applied (and its debounce armed, synchronously in the
// document's update handler) before Hocuspocus broadcasts it, so once a client has seen its own
// update come back, this point means that update is written.
const storesPending = (hocuspocus) => {
  if (pendingStores > 0) return true
  for (const document of hocuspocus.documents.values()) {
    const id = `onStoreDocument-${document.name}`
    if (hocuspocus.debouncer.isDebounced(id) || hocuspocus.debouncer.isCurrentlyExecuting(id) || document.saveMutex.isLocked()) return true
  }
  return false
}

const server = new Server({
  port,
  address: host,
  quiet: true,
  extensions,
  async onRequest({ request, response, instance }) {
    if (request.url === '/__bench/flushed') {
      // Two quiet checks in a row: a store that just finished may arm the unload of its document.
      for (let quiet = 0; quiet < 2; ) {
        await new Promise((r) => setTimeout(r, 5))
        quiet = storesPending(instance) ? 0 : quiet + 1
      }
      response.writeHead(200)
      response.end('ok')
      throw null // handled: Hocuspocus stops its own request handling on a rejected hook
    }
  },
  async onDestroy() {
    await backend.close()
  },
})
await server.listen()
process.stderr.write(`hocuspocus ready on ${port}\n`)
