import assert from "node:assert/strict";
import { test } from "node:test";
import { parseEventStream, resumingEventStream, StreamOpenError, type ServerSentEvent } from "../src/sse.js";

/** A body delivering these chunks, as a network would split them. */
function body(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(stream)) {
    events.push(event);
  }
  return events;
}

test("parses the service's events and skips its heartbeats", async () => {
  const events = await all(body(
    ": envkeeper 1\n\n",
    "id:1\nevent:change\ndata:{\"seq\":1}\n\n",
    "event:destroyed\ndata:{\"environmentId\":\"e\"}\n\n"));
  assert.deepEqual(events, [
    { event: "change", data: "{\"seq\":1}", id: "1", lastEventId: "1" },
    { event: "destroyed", data: "{\"environmentId\":\"e\"}", lastEventId: "1" },
  ]);
});

test("joins events split anywhere, CRLF and CR line ends included", async () => {
  const events = await all(body("id: 7\r", "\nevent: change\r\nda", "ta: a\rdata: b\r", "\n\r\n"));
  assert.deepEqual(events, [{ event: "change", data: "a\nb", id: "7", lastEventId: "7" }]);
});

test("splits a multi-byte character across chunks correctly", async () => {
  const bytes = new TextEncoder().encode("data: é\n\n");
  const events = await all(body(bytes.slice(0, 7), bytes.slice(7)));
  assert.equal(events[0]?.data, "é");
});

test("an event without data is not dispatched, a field without colon is empty, unknown fields are ignored", async () => {
  const events = await all(body("\uFEFFid: 3\n\nfoo: bar\ndata\nretry: 1500\n\n"));
  assert.deepEqual(events, [{ event: "message", data: "", lastEventId: "3", retry: 1500 }]);
});

test("an event the stream ends in the middle of is dropped", async () => {
  assert.deepEqual(await all(body("data: complete\n\ndata: cut off")), [
    { event: "message", data: "complete", lastEventId: "" },
  ]);
});

test("reconnects with the last event id after the stream ends, until the last event", async () => {
  const asked: (string | undefined)[] = [];
  const streams = [
    () => body("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"),
    () => { throw new TypeError("fetch failed"); },
    () => body("id: 3\ndata: c\n\nevent: end\ndata: x\n\n"),
  ];
  const received: string[] = [];
  for await (const event of resumingEventStream(
    async (lastEventId) => { asked.push(lastEventId); return streams[asked.length - 1]!(); },
    (event) => event.event === "end",
    { lastEventId: "0", delayMs: 1 })) {
    received.push(event.data);
  }
  assert.deepEqual(received, ["a", "b", "c", "x"]);
  assert.deepEqual(asked, ["0", "2", "2"]);
});

test("a refusal that retrying cannot fix ends the stream with its error", async () => {
  const refused = new StreamOpenError("410 environment_destroyed", false);
  await assert.rejects(async () => {
    for await (const _ of resumingEventStream(async () => { throw refused; }, () => false, { delayMs: 1 })) {
      // nothing arrives
    }
  }, refused);
});
