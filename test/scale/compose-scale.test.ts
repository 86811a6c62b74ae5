/**
 * The compose profile "scale" speaks the server's configuration: three instances on PostgreSQL and
 * Redis with only settings the server knows (and accepts), reachable only through the proxy, whose
 * configuration balances over exactly those instances; the default profile stays one LevelDB
 * instance. (`docker-compose config -q` lints the file's syntax in .ci/run.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS, parseConfig } from '../../server/config.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Service {
  profiles?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
  volumes?: string[];
  stop_grace_period?: string;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const haproxy = readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8');
const known = new Set<string>(Object.values(SETTINGS).map((spec) => spec.env));
const interpolate = (value: string): string => value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? '');
const instances = Object.entries(compose.services).filter(([name]) => /^meetpad-\d+$/.test(name));

describe('docker-compose.yml, profile "scale"', () => {
  it('runs three meetpad instances on PostgreSQL and Redis, with settings the server accepts', () => {
    expect(instances.map(([name]) => name)).toEqual(['meetpad-1', 'meetpad-2', 'meetpad-3']);
    for (const [, service] of instances) {
      expect(service.profiles).toEqual(['scale']);
      const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
      expect(Object.keys(environment).filter((name) => !known.has(name))).toEqual([]);
      const config = parseConfig(environment);
      expect(config).toMatchObject({ store: 'postgres', host: '0.0.0.0', port: 3000, trustProxy: true });
      expect(new URL(config.databaseUrl).hostname).toBe('postgres');
      expect(new URL(config.redisUrl).hostname).toBe('redis');
      expect(service.ports ?? []).toEqual([]);
      expect(Object.keys(service.depends_on ?? {})).toEqual(expect.arrayContaining(['postgres', 'redis']));
    }
    for (const name of ['postgres', 'redis', 'proxy']) expect(compose.services[name]?.profiles).toEqual(['scale']);
  });

  it('publishes only the proxy, on loopback, and the proxy balances over exactly those instances, without stickiness', () => {
    expect(compose.services.proxy!.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(compose.services.proxy!.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const servers = [...haproxy.matchAll(/^\s*server (\S+) (\S+):3000 check$/gm)].map((m) => [m[1], m[2]]);
    expect(servers).toEqual(instances.map(([name]) => [name, name]));
    expect(haproxy).toMatch(/^\s*balance roundrobin$/m);
    expect(haproxy).toMatch(/^\s*option httpchk GET \/readyz$/m);
    expect(haproxy).not.toMatch(/\bcookie\b|\bstick\b|balance source/);
    expect(haproxy).toMatch(/^\s*bind :8080$/m);
  });

  it('leaves the default profile one LevelDB instance', () => {
    const defaults = Object.entries(compose.services).filter(([, service]) => !service.profiles);
    expect(defaults.map(([name]) => name)).toEqual(['meetpad']);
    expect(parseConfig(Object.fromEntries(Object.entries(compose.services.meetpad!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]))).store).toBe('level');
  });
});
