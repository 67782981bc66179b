import type { Client } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";
import { resumingEventStream, StreamOpenError, type ReconnectOptions } from "./sse.js";

/** One message of `GET /environments/{id}/events`, by event name (`change`, `worker`, `destroyed`, ...). */
export type EnvironmentEvent = components["schemas"]["EnvironmentEvent"];

/** One message of a followed worker log (`…/log?follow=true`): `line`, `truncated` or `exit`. */
export type WorkerLogEvent = components["schemas"]["WorkerLogEvent"];

/**
 * Follows an environment's events: every `change` once and in order across reconnections (each one
 * resumes with `Last-Event-ID`), until the `destroyed` event, which ends the iteration. Pass
 * `lastEventId: "0"` to start with every change the service still keeps. A `410` (the environment is
 * already destroying) or any other refusal ends it with a {@link StreamOpenError}; `503` and network
 * failures are retried.
 */
export async function* environmentEvents(
  client: Client<paths>,
  environmentId: string,
  options: ReconnectOptions = {},
): AsyncGenerator<EnvironmentEvent> {
  const open = async (lastEventId: string | undefined, signal: AbortSignal | undefined) => {
    const header = lastEventId === undefined ? undefined : { "Last-Event-ID": Number(lastEventId) };
    const { data, error, response } = await client.GET("/api/v1/environments/{id}/events", {
      params: { path: { id: environmentId }, ...(header ? { header } : {}) },
      headers: { Accept: "text/event-stream" },
      parseAs: "stream",
      ...(signal ? { signal } : {}),
    });
    return streamOrError(`events of environment ${environmentId}`, data, error, response);
  };
  for await (const message of resumingEventStream(open, (event) => event.event === "destroyed", options)) {
    yield {
      event: message.event,
      ...(message.id !== undefined ? { id: message.id } : {}),
      data: JSON.parse(message.data),
    } as EnvironmentEvent;
  }
}

/** Options of a log follow: where it starts when it does not resume. */
export interface WorkerLogOptions extends ReconnectOptions {
  /** Start at the last `tail` lines instead of the oldest line kept (ignored when resuming). */
  tail?: number;
}

/**
 * Follows a worker's log: every `line` once and in order across reconnections (each resumes with
 * `Last-Event-ID`, the byte offset after the last line), a `truncated` event where the service no
 * longer keeps the bytes asked for, until the `exit` event, which ends the iteration. A `404` (no such
 * worker) or `410` ends it with a {@link StreamOpenError}; `503` and network failures are retried.
 */
export async function* workerLog(
  client: Client<paths>,
  environmentId: string,
  workerId: string,
  options: WorkerLogOptions = {},
): AsyncGenerator<WorkerLogEvent> {
  const open = async (lastEventId: string | undefined, signal: AbortSignal | undefined) => {
    const header = lastEventId === undefined ? undefined : { "Last-Event-ID": Number(lastEventId) };
    const { data, error, response } = await client.GET("/api/v1/environments/{id}/workers/{wid}/log", {
      params: {
        path: { id: environmentId, wid: workerId },
        query: { follow: true, ...(options.tail !== undefined ? { tail: options.tail } : {}) },
        ...(header ? { header } : {}),
      },
      headers: { Accept: "text/event-stream" },
      parseAs: "stream",
      ...(signal ? { signal } : {}),
    });
    return streamOrError(`log of worker ${workerId}`, data, error, response);
  };
  for await (const message of resumingEventStream(open, (event) => event.event === "exit", options)) {
    yield {
      event: message.event,
      ...(message.id !== undefined ? { id: message.id } : {}),
      data: JSON.parse(message.data),
    } as WorkerLogEvent;
  }
}

/** The lines of a worker's log as they are written (see {@link workerLog}); ends when the worker has. */
export async function* workerLogLines(
  client: Client<paths>,
  environmentId: string,
  workerId: string,
  options: WorkerLogOptions = {},
): AsyncGenerator<string> {
  for await (const event of workerLog(client, environmentId, workerId, options)) {
    if (event.event === "line") {
      yield event.data.text;
    }
  }
}

/** The opened stream, or the error that says whether opening it again may help. */
function streamOrError(what: string, data: unknown, error: unknown, response: Response): ReadableStream<Uint8Array> {
  if (error !== undefined || !data) {
    const code = (error as { code?: string } | undefined)?.code;
    const retryAfter = Number(response.headers.get("Retry-After"));
    throw new StreamOpenError(
      `${what}: ${response.status}${code ? ` ${code}` : ""}`,
      response.status === 503,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      { cause: error },
    );
  }
  return data as ReadableStream<Uint8Array>;
}
