/**
 * Server-Sent Events over fetch: a `text/event-stream` parser (the WHATWG HTML "event stream
 * interpretation" rules) and a loop that reconnects with `Last-Event-ID`. No EventSource needed,
 * so it runs in Node.js 20 as in a browser, and it can send an `Authorization` header.
 */

/** One dispatched event of an event stream. */
export interface ServerSentEvent {
  /** The `event:` field; `"message"` when the event has none. */
  event: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
  /** The `id:` field, when this event carried one. */
  id?: string;
  /** The stream's last event id when this event was dispatched (its own `id`, else the one before). */
  lastEventId: string;
  /** The `retry:` field (milliseconds), when this event carried one. */
  retry?: number;
}

/** Parses a `text/event-stream` body into events; comments (heartbeats) are skipped. */
export async function* parseEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder("utf-8");
  const reader = body.getReader();
  let buffer = "";
  let first = true;
  let lastEventId = "";
  let pending = newEvent();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (first && buffer.length > 0) {
        first = false;
        if (buffer.charCodeAt(0) === 0xfeff) {
          buffer = buffer.slice(1);
        }
      }
      let end: number;
      while ((end = lineEnd(buffer, done)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(buffer.startsWith("\r\n", end) ? end + 2 : end + 1);
        if (line === "") {
          lastEventId = pending.id ?? lastEventId;
          const event = dispatch(pending, lastEventId);
          pending = newEvent();
          if (event) {
            yield event;
          }
        } else {
          field(pending, line);
        }
      }
      if (done) {
        return; // an event not ended by a blank line is discarded, as the standard says
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

interface PendingEvent {
  event: string;
  data: string[];
  id?: string;
  retry?: number;
}

function newEvent(): PendingEvent {
  return { event: "", data: [] };
}

/** Index of the first line terminator; a CR at the very end waits for the next chunk (it may be a CRLF). */
function lineEnd(buffer: string, done: boolean): number {
  for (let i = 0; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i);
    if (c === 0x0a) {
      return i;
    }
    if (c === 0x0d) {
      return i + 1 < buffer.length || done ? i : -1;
    }
  }
  return -1;
}

function field(pending: PendingEvent, line: string): void {
  if (line.startsWith(":")) {
    return; // a comment: the service's heartbeat
  }
  const colon = line.indexOf(":");
  const name = colon < 0 ? line : line.slice(0, colon);
  let value = colon < 0 ? "" : line.slice(colon + 1);
  if (value.startsWith(" ")) {
    value = value.slice(1);
  }
  switch (name) {
    case "event":
      pending.event = value;
      break;
    case "data":
      pending.data.push(value);
      break;
    case "id":
      if (!value.includes("\0")) {
        pending.id = value;
      }
      break;
    case "retry":
      if (/^\d+$/.test(value)) {
        pending.retry = Number(value);
      }
      break;
    default:
      break; // unknown fields are ignored
  }
}

function dispatch(pending: PendingEvent, lastEventId: string): ServerSentEvent | undefined {
  if (pending.data.length === 0) {
    return undefined; // nothing to dispatch (an id alone still moved lastEventId)
  }
  return {
    event: pending.event || "message",
    data: pending.data.join("\n"),
    lastEventId,
    ...(pending.id !== undefined ? { id: pending.id } : {}),
    ...(pending.retry !== undefined ? { retry: pending.retry } : {}),
  };
}

/** How a followed stream reconnects. */
export interface ReconnectOptions {
  /** Resume after this event id (the `id` of the last event already handled). */
  lastEventId?: string;
  /** Ends the stream (the iteration simply finishes). */
  signal?: AbortSignal;
  /** Reconnections in a row that may fail (network error, 503) before giving up; default 5. */
  maxAttempts?: number;
  /** Wait before a reconnection (default 500 ms), doubled after each failure in a row (at most 30 s); a `retry:` field replaces it. */
  delayMs?: number;
}

/** Opens the stream after `lastEventId`, or throws an error that says whether to try again. */
export type StreamOpener = (lastEventId: string | undefined, signal: AbortSignal | undefined) =>
  Promise<ReadableStream<Uint8Array>>;

/** An error an opener throws; `retryable` ones (503, network) are retried, others end the stream. */
export class StreamOpenError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "StreamOpenError";
  }
}

/**
 * Follows a stream across disconnections: every event once, in order, reconnecting with the id of the
 * last one received. Ends when `isLast` says so, when the signal aborts, or with an error.
 */
export async function* resumingEventStream(
  open: StreamOpener,
  isLast: (event: ServerSentEvent) => boolean,
  options: ReconnectOptions = {},
): AsyncGenerator<ServerSentEvent> {
  const maxAttempts = options.maxAttempts ?? 5;
  let delayMs = options.delayMs ?? 500;
  let lastEventId = options.lastEventId;
  let failures = 0;
  while (!options.signal?.aborted) {
    let retryAfterMs: number | undefined;
    try {
      const body = await open(lastEventId, options.signal);
      failures = 0;
      for await (const event of parseEventStream(body)) {
        if (event.lastEventId !== "") {
          lastEventId = event.lastEventId;
        }
        if (event.retry !== undefined) {
          delayMs = event.retry;
        }
        yield event;
        if (isLast(event)) {
          return;
        }
      }
    } catch (error) {
      if (options.signal?.aborted) {
        return;
      }
      if ((error instanceof StreamOpenError && !error.retryable) || ++failures > maxAttempts) {
        throw error;
      }
      retryAfterMs = error instanceof StreamOpenError ? error.retryAfterMs : undefined;
    }
    // The stream ended (the service closes it after its stream timeout) or broke: reconnect.
    await sleep(retryAfterMs ?? Math.min(delayMs * 2 ** Math.max(failures - 1, 0), 30_000), options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
