// The reference peer for several instances: Hocuspocus 4 (@hocuspocus/server 4.7.0) with
// @hocuspocus/extension-redis (fan-out between instances) and @hocuspocus/extension-database
// storing each document as one bytea row in PostgreSQL (through `pg`, as meetpad does), with the
// server's default store debounce (2 s, at most 10 s): Hocuspocus' own durability design.
// Env: PORT, HOST, DATABASE_URL, REDIS_URL. Adds GET /__bench/flushed (answers once no store is pending).
import { Server } from '@hocuspocus/server'
import { Database } from '@hocuspocus/extension-database'
import { Redis } from '@hocuspocus/extension-redis'
import pg from 'pg'

const host = process.env.HOST || '127.0.0.1'
const port = Number.parseInt(process.env.PORT || '1234', 10)
const redisUrl = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379')
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 })
pool.on('error', () => {})
await pool.query('CREATE TABLE IF NOT EXISTS hocuspocus_documents (name text PRIMARY KEY, data bytea NOT NULL)')

let pendingStores = 0
const server = new Server({
  port,
  address: host,
  quiet: true,
  extensions: [
    new Redis({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }),
    new Database({
      fetch: async ({ documentName }) => {
        const { rows } = await pool.query('SELECT data FROM hocuspocus_documents WHERE name = $1', [documentName])
        return rows[0] ? new Uint8Array(rows[0].data) : null
      },
      store: async ({ documentName, state }) => {
        pendingStores++
        try {
          await pool.query('INSERT INTO hocuspocus_documents (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data', [documentName, Buffer.from(state)])
        } finally {
          pendingStores--
        }
      },
    }),
  ],
  async onRequest({ request, response }) {
    if (request.url === '/__bench/flushed') {
      while (pendingStores > 0) await new Promise((r) => setTimeout(r, 5))
      response.writeHead(200)
      response.end('ok')
      throw null // handled: Hocuspocus stops its own request handling on a rejected hook
    }
  },
})
await server.listen()
process.stderr.write(`hocuspocus ready on ${port}\n`)
