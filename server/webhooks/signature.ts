/**
 * Standard Webhooks signatures (what its libraries verify): `webhook-signature: v1,BASE64(HMAC-SHA256(
 * key, id + "." + timestamp + "." + body))`, the key being the base64 part of the `whsec_` secret.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The `webhook-signature` header of one attempt. */
export const signatureOf = (secret: string, id: string, timestamp: number, body: string): string => {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
};

/** The headers of one attempt at `at` (ms): id, timestamp (unix seconds) and signature. */
export const signedHeaders = (secret: string, id: string, at: number, body: string): Record<string, string> => {
  const timestamp = Math.floor(at / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'meetpad-webhooks',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureOf(secret, id, timestamp, body),
  };
};
