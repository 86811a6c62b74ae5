/**
 * One delivery attempt over node:http/https: a POST that never follows a redirect (a 3xx is a
 * failure), gives up after a timeout (on the injected clock), reads at most a few KiB of the
 * answer, and checks each address it dials: the `lookup` it hands to the socket refuses private
 * addresses at connect time, after resolution, so DNS rebinding between the creation check and
 * the delivery is caught. IP literals skip lookup, so they are checked before the request.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { Clock } from '../clock.js';
import { hostOf, isPrivateAddress, parseWebhookUrl } from './target-check.js';

/** The most of an answer that is read; the rest is dropped with the connection. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** How an attempt ended: `ok` for a 2xx answer. */
export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** What an attempt needs. */
export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  clock: Clock;
  /** Cuts the attempt short (the server is stopping). */
  signal?: AbortSignal;
}

const privateError = (host: string, address: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${host} resolves to ${address}, a private address (MEETPAD_WEBHOOK_ALLOW_PRIVATE allows it)`), { code: 'EPRIVATE' });

/** A `lookup` that resolves as usual, then drops private addresses (and fails if none is left). */
export const checkedLookup = (allowPrivate: boolean): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const allowed = allowPrivate ? addresses : addresses.filter(({ address }) => !isPrivateAddress(address));
    if (allowed.length === 0) return callback(privateError(hostname, addresses[0]?.address ?? 'nothing'), '', 0);
    if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
};

/** POSTs `body` with `headers` to `target` once. Never throws: failures are results. */
export const sendOnce = (target: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<AttemptResult> =>
  new Promise<AttemptResult>((resolve) => {
    let url: URL;
    try {
      url = parseWebhookUrl(target);
    } catch (error) {
      return resolve({ ok: false, status: null, error: (error as Error).message });
    }
    const host = hostOf(url);
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) return resolve({ ok: false, status: null, error: privateError(host, host).message });

    let done = false;
    const finish = (result: AttemptResult): void => {
      if (done) return;
      done = true;
      options.clock.clearTimeout(timer);
      options.signal?.removeEventListener('abort', aborted);
      request.destroy();
      resolve(result);
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body, 'utf8')) },
      agent: false,
      lookup: checkedLookup(options.allowPrivate),
    });
    const timer = options.clock.setTimeout(() => finish({ ok: false, status: null, error: `no answer within ${options.timeoutMs} ms` }), options.timeoutMs);
    const aborted = (): void => finish({ ok: false, status: null, error: 'the server stopped during the attempt' });
    if (options.signal?.aborted) aborted();
    options.signal?.addEventListener('abort', aborted, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: error.message || error.code || 'connection failed' }));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const outcome = (): AttemptResult => {
        if (status >= 200 && status < 300) return { ok: true, status, error: null };
        if (status >= 300 && status < 400) return { ok: false, status, error: `redirect to ${String(response.headers.location ?? 'nowhere').slice(0, 200)} not followed` };
        return { ok: false, status, error: `the receiver answered ${status}` };
      };
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        // The status is what counts; an answer that goes on and on is not read further.
        if (bytes > MAX_RESPONSE_BYTES) finish(outcome());
      });
      response.on('end', () => finish(outcome()));
      response.on('error', () => finish(outcome()));
    });
    request.end(body);
  });
