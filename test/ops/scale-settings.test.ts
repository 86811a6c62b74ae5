/**
 * Settings of several instances that cannot work are refused at start with a clear message: a
 * presence TTL that one missed heartbeat would exceed (live instances would look dead and their
 * cursors flicker away). And the compose profile's HAProxy starts before the instances' names
 * resolve (containers start in any order), rather than refusing its configuration.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config.js';
import { ROOT } from './ops-helpers.js';

describe('presence TTL and heartbeat', () => {
  it('refuses a TTL of at most two heartbeats, naming both settings, and accepts more', async () => {
    for (const ttl of ['2000', '1500']) {
      expect(() => parseConfig({ MEETPAD_BUS_HEARTBEAT_MS: '1000', MEETPAD_BUS_PRESENCE_TTL_MS: ttl })).toThrow(ConfigError);
    }
    expect(() => parseConfig({ MEETPAD_BUS_HEARTBEAT_MS: '1000', MEETPAD_BUS_PRESENCE_TTL_MS: '2000' })).toThrow(/MEETPAD_BUS_PRESENCE_TTL_MS.*MEETPAD_BUS_HEARTBEAT_MS/);
    expect(parseConfig({ MEETPAD_BUS_HEARTBEAT_MS: '1000', MEETPAD_BUS_PRESENCE_TTL_MS: '2001' }).busPresenceTtlMs).toBe(2001);
    // The defaults pass.
    expect(parseConfig({}).busPresenceTtlMs).toBeGreaterThan(2 * parseConfig({}).busHeartbeatMs);

    // At start: the server stops before it opens anything (a server that started would be killed
    // by the timeout, and the test fail).
    const dataDir = join(tmpdir(), `meetpad-never-created-${process.pid}-${Date.now()}`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, MEETPAD_BUS_HEARTBEAT_MS: '3000' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    await rm(dataDir, { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('MEETPAD_BUS_PRESENCE_TTL_MS');
    expect(run.stdout).not.toContain('meetpad ready');
  });
});

describe('deploy/haproxy.cfg', () => {
  it('is valid while the instance names do not resolve yet (it resolves them at run time)', () => {
    let binary: string;
    try {
      binary = execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim();
    } catch {
      throw new Error("haproxy is not installed. This test checks the compose profile's proxy for real: install Debian's package with `apt-get install -y haproxy` (or run .ci/run, which does).");
    }
    // meetpad-1..3 are compose service names: nothing resolves them outside the compose network.
    const check = spawnSync(binary, ['-c', '-f', join(ROOT, 'deploy/haproxy.cfg')], { encoding: 'utf8' });
    expect(check.stderr).toContain("could not resolve address 'meetpad-1'");
    expect(check.status, check.stderr).toBe(0);
  });
});
