/**
 * Ends every plain HTTP connection when the app closes. Node's `server.close()` only ends the
 * connections idle at that moment: one whose response finishes later stays open in keep-alive, and
 * one that never sent a request (a client re-dialling for a request it just aborted, a browser's
 * preconnect) counts as busy; either holds `app.close()` for the keep-alive or headers timeout
 * (72 s, 60 s). WebSocket connections are left to the collab endpoint (they close with 1001).
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Registers the drain on `app`: at close, sockets without a request end now, the others after their last response. */
export const drainConnections = (app: FastifyInstance): void => {
  // Requests in flight per plain HTTP socket (more than one when a client pipelines).
  const inFlight = new Map<Socket, number>();
  let closing = false;
  const server = app.server;
  // One listener for every socket (`this` is the socket): a closure per socket would outlive an
  // upgrade and be part of every WebSocket connection's memory.
  function forget(this: Socket): void {
    inFlight.delete(this);
  }
  server.on('connection', (socket: Socket) => {
    // Accepted while closing: the listener is about to go, and Fastify would only answer 503.
    if (closing) return void socket.destroy();
    inFlight.set(socket, 0);
    socket.on('close', forget);
  });
  server.on('upgrade', (request: { socket: Socket }) => inFlight.delete(request.socket));
  server.on('request', (request: { socket: Socket }, response: { once(event: 'close', listener: () => void): void }) => {
    const { socket } = request;
    if (!inFlight.has(socket)) return;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (!inFlight.has(socket)) return;
      inFlight.set(socket, left);
      if (closing && left === 0) socket.end();
    });
  });
  app.addHook('preClose', () => {
    closing = true;
    for (const [socket, requests] of inFlight) if (requests === 0) socket.destroy();
  });
};
