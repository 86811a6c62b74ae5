// Preloaded (`node --expose-gc --import`) into both servers by the benchmark, never in production:
// over the IPC channel it answers 'mem' with process.memoryUsage() after a full GC, and 'exit'
// with process.exit(0) (so `--cpu-prof` profiles get written).
if (process.send) {
  process.on('message', (message) => {
    if (message === 'mem') {
      globalThis.gc?.()
      globalThis.gc?.()
      process.send({ mem: process.memoryUsage() })
    } else if (message === 'exit') {
      process.exit(0)
    }
  })
  // The IPC channel must not keep a server alive that would otherwise exit.
  process.channel?.unref()
}
