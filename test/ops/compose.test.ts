/**
 * The container setup speaks the server's configuration: every variable docker-compose.yml and the
 * Dockerfile set is a setting the server knows, with a value it accepts, and the shutdown timing fits.
 * (The compose file's syntax is linted offline by `docker-compose -f docker-compose.yml config -q` in .ci/run.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS, parseConfig } from '../../server/config.js';
import { ROOT } from './ops-helpers.js';

interface ComposeService {
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  volumes?: string[];
  init?: boolean;
  restart?: string;
  stop_grace_period?: string;
  healthcheck?: { test?: string[] | string };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
const service = compose.services.meetpad!;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const knownVariables = new Set<string>(Object.values(SETTINGS).map((spec) => spec.env));

// Compose substitutes ${NAME:-default} / ${NAME-default} / ${NAME} from the shell: take what an
// admin who sets nothing gets.
const interpolate = (value: string): string =>
  value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_match, _name: string, fallback?: string) => fallback ?? '');

const composeEnvironment = (): Record<string, string> => {
  const raw = service.environment ?? {};
  const entries = Array.isArray(raw)
    ? raw.map((item) => {
        const at = item.indexOf('=');
        return [at < 0 ? item : item.slice(0, at), at < 0 ? '' : item.slice(at + 1)] as const;
      })
    : Object.entries(raw).map(([name, value]) => [name, value === null ? '' : String(value)] as const);
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value)]));
};

const durationMs = (text: string): number => {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(amount) * { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 }[unit as 'h' | 'm' | 's' | 'ms' | 'us'];
  }
  return total;
};

describe('docker-compose.yml', () => {
  it('sets only variables the server knows, with values it accepts', () => {
    const environment = composeEnvironment();
    expect(Object.keys(environment).length).toBeGreaterThan(5);
    const unknown = Object.keys(environment).filter((name) => !knownVariables.has(name));
    expect(unknown).toEqual([]);
    const config = parseConfig(environment);
    expect(config).toMatchObject({ host: '0.0.0.0', dataDir: '/data', port: 3000 });
  });

  it('keeps LevelDB in a named volume mounted at the data directory', () => {
    const environment = composeEnvironment();
    const mount = (service.volumes ?? []).find((volume) => volume.split(':')[1] === environment.DATA_DIR);
    expect(mount).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount!.split(':')[0]);
  });

  it('publishes the port on the loopback interface only', () => {
    expect(service.ports?.length).toBeGreaterThan(0);
    for (const port of service.ports ?? []) expect(port.startsWith('127.0.0.1:')).toBe(true);
  });

  it('gives the server longer to drain than its own shutdown timeout, and forwards signals through an init', () => {
    const config = parseConfig(composeEnvironment());
    expect(service.init).toBe(true);
    expect(service.restart).toMatch(/^(always|unless-stopped|on-failure)/);
    expect(durationMs(service.stop_grace_period ?? '10s')).toBeGreaterThan(config.shutdownTimeoutMs);
  });

  it('checks readiness without curl', () => {
    const test = [service.healthcheck?.test ?? []].flat().join(' ');
    expect(test).toContain('/readyz');
    expect(test).toContain('node');
    expect(test).not.toContain('curl');
  });
});

describe('Dockerfile', () => {
  it('sets only known variables, with values the server accepts', () => {
    const environment: Record<string, string> = {};
    for (const block of dockerfile.matchAll(/^ENV\s+((?:.*\\\n)*.*)$/gm)) {
      for (const [, name, value] of block[1]!.matchAll(/(\w+)=(\S+)/g)) environment[name!] = value!;
    }
    delete environment.NODE_ENV; // Node's, not ours
    expect(Object.keys(environment).filter((name) => !knownVariables.has(name))).toEqual([]);
    expect(parseConfig(environment)).toMatchObject({ host: '0.0.0.0', dataDir: '/data' });
  });

  it('runs the built server as a non-root user, in exec form, with a /readyz health check', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^USER (?!root\b)\w+/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]/m);
    expect(runtime).toContain('CMD ["node", "dist/server/main.js"]');
    expect(runtime).toMatch(/^HEALTHCHECK[\s\S]*\/readyz/m);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+/m);
  });
});
