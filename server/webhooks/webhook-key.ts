/**
 * Where the key that encrypts signing secrets comes from: MEETPAD_WEBHOOK_KEY when set (any text
 * of at least 32 characters, stretched with HKDF; required when several instances share one
 * PostgreSQL database, since they must all read the same secrets), else a random key generated
 * once into `DATA_DIR/webhook-secrets.key` (mode 0600). Read lazily: a server that never uses
 * webhooks never creates the file. The file is written whole or not at all (a synced temporary
 * file, then a rename: DATA_DIR's lock means one process at a time), and a file too short to be
 * one of ours is refused with a clear error rather than taken for a (weak, new) key.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors } from '../errors.js';

/** Name of the generated key file inside DATA_DIR. */
export const KEY_FILE = 'webhook-secrets.key';

/** Shortest key text accepted from the file (a generated one has 43 characters). */
export const MIN_KEY_LENGTH = 32;

/** Where to find the key. */
export interface KeySource {
  /** MEETPAD_WEBHOOK_KEY ('' when unset). */
  configured: string;
  /** DATA_DIR, or null when no local file may be used (several instances). */
  dataDir: string | null;
}

/** The webhook key, read or created on first use. */
export type WebhookKeyring = () => Promise<Buffer>;

const fromText = (text: string): Buffer => Buffer.from(hkdfSync('sha256', Buffer.from(text, 'utf8'), 'meetpad', 'webhook-secrets', 32));

const readKeyFile = async (path: string): Promise<Buffer> => {
  const text = (await readFile(path, 'utf8')).trim();
  if (text.length < MIN_KEY_LENGTH) {
    throw new Error(`${path} holds ${text.length} characters, not a key (at least ${MIN_KEY_LENGTH}): restore it from a backup, or set MEETPAD_WEBHOOK_KEY; deleting it makes a new key, and the webhooks already added stop signing until added again`);
  }
  return fromText(text);
};

const fromFile = async (dataDir: string): Promise<Buffer> => {
  const path = join(dataDir, KEY_FILE);
  try {
    return await readKeyFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(`${randomBytes(32).toString('base64url')}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    // The rename itself is durable once the directory is synced (not possible everywhere: best effort).
    const dir = await open(dataDir, 'r').catch(() => null);
    await dir?.sync().catch(() => {});
    await dir?.close();
  } finally {
    await rm(temporary, { force: true });
  }
  return readKeyFile(path);
};

/** A keyring over `source`; without a usable source it answers 403 webhooks_disabled. */
export const webhookKeyring = (source: KeySource): WebhookKeyring => {
  let key: Promise<Buffer> | null = null;
  return () => {
    if (source.configured) return (key ??= Promise.resolve(fromText(source.configured)));
    if (source.dataDir === null) return Promise.reject(new Errors.WebhooksDisabled());
    const dataDir = source.dataDir;
    key ??= fromFile(dataDir).catch((error: unknown) => {
      key = null;
      throw error;
    });
    return key;
  };
};
