#!/usr/bin/env node
// Run before `npm test` (the pretest script): the test suite starts real engines from the
// system's binaries (Chromium, Redis, PostgreSQL, HAProxy). What is missing is installed with
// apt-get when this machine allows it (root on Debian); otherwise this stops at once and names
// the packages, rather than letting tests fail one by one.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const has = (command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const hasPostgres = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));

const needs = [
  { pkg: 'chromium', present: () => has('chromium') },
  { pkg: 'redis-server', present: () => has('redis-server') },
  { pkg: 'postgresql', present: hasPostgres },
  { pkg: 'haproxy', present: () => has('haproxy') },
];
const missing = needs.filter((need) => !need.present()).map((need) => need.pkg);
if (missing.length === 0) process.exit(0);

const canInstall = process.getuid?.() === 0 && has('apt-get') && existsSync('/etc/debian_version');
if (!canInstall) {
  process.stderr.write(`The tests need Debian packages that are not installed: ${missing.join(' ')}\nInstall them with:  sudo apt-get install -y ${missing.join(' ')}\n`);
  process.exit(1);
}
process.stdout.write(`installing ${missing.join(' ')} (apt-get) for the tests...\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
