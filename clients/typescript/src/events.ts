import type { Client } from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";
import { resumingEventStream, StreamOpenError, type ReconnectOptions } from "./sse.js";

/** One message of `GET /environments/{id}/events`, by event name (`change`, `destroyed`, ...). */
export type EnvironmentEvent = components["schemas"]["EnvironmentEvent"];

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
    if (error !== undefined || !data) {
      const code = (error as { code?: string } | undefined)?.code;
      const retryAfter = Number(response.headers.get("Retry-After"));
      throw new StreamOpenError(
        `events of environment ${environmentId}: ${response.status}${code ? ` ${code}` : ""}`,
        response.status === 503,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
        { cause: error },
      );
    }
    return data as ReadableStream<Uint8Array>;
  };
  for await (const message of resumingEventStream(open, (event) => event.event === "destroyed", options)) {
    yield {
      event: message.event,
      ...(message.id !== undefined ? { id: message.id } : {}),
      data: JSON.parse(message.data),
    } as EnvironmentEvent;
  }
}
