/**
 * Signing secrets at rest: AES-256-GCM under the server's webhook key, bound to the webhook id (as
 * associated data), so a sealed secret copied onto another webhook does not open. Signing needs
 * the secret itself, which is why it is encrypted rather than hashed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** An encrypted secret, as stored (base64 fields). */
export interface SealedSecret {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

/** Encrypts `secret` for webhook `webhookId` under the 32-byte `key`. */
export const sealSecret = (key: Buffer, webhookId: string, secret: string): SealedSecret => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(webhookId, 'utf8'));
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
};

/** Decrypts a sealed secret; throws if the key or the webhook id is not the one it was sealed with. */
export const openSecret = (key: Buffer, webhookId: string, sealed: SealedSecret): string => {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(webhookId, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
};
