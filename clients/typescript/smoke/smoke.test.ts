/**
 * Smoke test of the generated client against a running service (the build runs it against the
 * packaged jar): every call goes through the generated types and openapi-fetch, nothing by hand.
 *
 * ENVKEEPER_URL     base URL of the service, e.g. http://localhost:8080
 * ENVKEEPER_TOKEN   an admin or client token
 * ENVKEEPER_PROFILE a worker profile that prints SMOKE_GREETING, creates a.txt and then b.txt in its
 *                   workspace, and then waits on stdin
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createEnvkeeperClient,
  environmentEvents,
  StreamOpenError,
  workerLogLines,
  type EnvironmentEvent,
} from "../src/index.js";

const SMOKE_GREETING = "hello from the smoke test";

const api = createEnvkeeperClient({ baseUrl: required("ENVKEEPER_URL"), token: required("ENVKEEPER_TOKEN") });
const profile = required("ENVKEEPER_PROFILE");

test("create, list, start a worker, follow its log, read events, destroy, see 410", async () => {
  const deadline = AbortSignal.timeout(90_000);

  // Create (with an Idempotency-Key: the retry answers the same environment).
  const key = `smoke-${Date.now()}`;
  const body = { name: "ts-smoke", labels: { suite: "ts-smoke" } };
  const created = await api.POST("/api/v1/environments", { body, params: { header: { "Idempotency-Key": key } } });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  const environment = created.data!;
  assert.equal(environment.status, "READY");
  assert.equal(environment.managed, true);
  assert.equal(environment.destroyedAt, null);
  const retried = await api.POST("/api/v1/environments", { body, params: { header: { "Idempotency-Key": key } } });
  assert.equal(retried.data?.id, environment.id);

  // List, filtered by label.
  const listed = await api.GET("/api/v1/environments", { params: { query: { label: ["suite:ts-smoke"], limit: 10 } } });
  assert.equal(listed.response.status, 200);
  assert.ok(listed.data!.items.some((item) => item.id === environment.id));

  // Follow the event stream from the first change the service keeps.
  const events: EnvironmentEvent[] = [];
  const following = collect(environmentEvents(api, environment.id, { lastEventId: "0", signal: deadline }), events);

  // Start a worker.
  const started = await api.POST("/api/v1/environments/{id}/workers", {
    params: { path: { id: environment.id } },
    body: { profile },
  });
  assert.equal(started.response.status, 201, JSON.stringify(started.error));
  const worker = started.data!;
  assert.equal(worker.status, "RUNNING");
  const workers = await api.GET("/api/v1/environments/{id}/workers", { params: { path: { id: environment.id } } });
  assert.deepEqual(workers.data!.items.map((item) => item.id), [worker.id]);

  // Follow its log live (`…/log?follow=true`, SSE).
  const lines = workerLogLines(api, environment.id, worker.id, { signal: deadline });
  for await (const line of lines) {
    if (line === SMOKE_GREETING) {
      break;
    }
  }

  // Read events: the worker's files arrive as change events, in seq order.
  const createdA = await until(events, (event) => isChange(event, "CREATE", "a.txt"), deadline);
  await until(events, (event) => isChange(event, "CREATE", "b.txt"), deadline);
  const seqs = events.flatMap((event) => (event.event === "change" ? [event.data.seq] : []));
  assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), "changes arrive in seq order");

  // Resume after a.txt with Last-Event-ID: the next change is the very next seq, nothing before it.
  const resumedAfter = (createdA as Extract<EnvironmentEvent, { event: "change" }>).data.seq;
  const resume = new AbortController();
  const resumed = environmentEvents(api, environment.id, { lastEventId: String(resumedAfter), signal: resume.signal });
  const next = await resumed.next();
  resume.abort();
  await resumed.return(undefined);
  assert.equal(next.value?.event, "change");
  assert.equal((next.value as Extract<EnvironmentEvent, { event: "change" }>).data.seq, resumedAfter + 1);

  // Stop the worker: 200 once it has ended.
  const stopped = await api.DELETE("/api/v1/environments/{id}/workers/{wid}", {
    params: { path: { id: environment.id, wid: worker.id }, query: { wait: "PT20S" } },
  });
  assert.equal(stopped.response.status, 200, JSON.stringify(stopped.data ?? stopped.error));
  assert.ok(stopped.data!.status === "EXITED" || stopped.data!.status === "LOST");

  // Destroy: 200 once DESTROYED; the event stream ends with its `destroyed` event.
  const destroyed = await api.DELETE("/api/v1/environments/{id}", {
    params: { path: { id: environment.id }, query: { wait: "PT30S" } },
  });
  assert.equal(destroyed.response.status, 200, JSON.stringify(destroyed.data ?? destroyed.error));
  assert.equal(destroyed.data!.status, "DESTROYED");
  await following;
  const last = events.at(-1);
  assert.equal(last?.event, "destroyed");
  assert.equal((last as Extract<EnvironmentEvent, { event: "destroyed" }>).data.environmentId, environment.id);

  // The tombstone: GET still answers; everything under it is 410 environment_destroyed.
  const tombstone = await api.GET("/api/v1/environments/{id}", { params: { path: { id: environment.id } } });
  assert.equal(tombstone.data?.status, "DESTROYED");
  const gone = await api.GET("/api/v1/environments/{id}/workspace", { params: { path: { id: environment.id } } });
  assert.equal(gone.response.status, 410);
  assert.equal(gone.error?.code, "environment_destroyed");
  assert.equal(gone.response.headers.get("Content-Type"), "application/problem+json");
  await assert.rejects(
    async () => {
      for await (const _ of environmentEvents(api, environment.id)) {
        // a destroyed environment has no stream
      }
    },
    (error: unknown) => error instanceof StreamOpenError && error.message.includes("410 environment_destroyed"),
  );
});

test("a call without a valid token is a 401 problem", async () => {
  const anonymous = createEnvkeeperClient({ baseUrl: required("ENVKEEPER_URL"), token: "ek_not-a-token" });
  const refused = await anonymous.GET("/api/v1/environments");
  assert.equal(refused.response.status, 401);
  assert.equal(refused.error?.code, "unauthorized");
});

async function collect(stream: AsyncGenerator<EnvironmentEvent>, into: EnvironmentEvent[]): Promise<void> {
  for await (const event of stream) {
    into.push(event);
  }
}

async function until(
  events: EnvironmentEvent[], matches: (event: EnvironmentEvent) => boolean, signal: AbortSignal,
): Promise<EnvironmentEvent> {
  for (;;) {
    const found = events.find(matches);
    if (found) {
      return found;
    }
    if (signal.aborted) {
      throw new Error(`no matching event; received ${JSON.stringify(events)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isChange(event: EnvironmentEvent, kind: string, path: string): boolean {
  return event.event === "change" && event.data.kind === kind && event.data.path === path;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`set ${name}`);
  }
  return value;
}
