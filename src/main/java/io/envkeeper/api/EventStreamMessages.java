package io.envkeeper.api;

import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.UUID;

/**
 * The messages of {@code GET /environments/{id}/events} as the API description shows them: one
 * schema per SSE event name (OpenAPI 3.1 has no event-stream model; this follows 3.2's
 * {@code itemSchema}). Each record is the parsed message: {@code event} is the SSE event name,
 * {@code id} its {@code id:} line, {@code data} its JSON payload. A new event is a record here and
 * a line in {@link #oneOf}'s list.
 */
@Schema(
    name = "EnvironmentEvent",
    description = "One message of the environment's event stream, by its SSE event name.",
    oneOf = {EventStreamMessages.ChangeEvent.class, EventStreamMessages.WorkerEvent.class,
      EventStreamMessages.ExpiringEvent.class, EventStreamMessages.DestroyedEvent.class},
    discriminatorProperty = "event",
    discriminatorMapping = {
      @DiscriminatorMapping(value = ChangeStream.CHANGE_EVENT, schema = EventStreamMessages.ChangeEvent.class),
      @DiscriminatorMapping(value = ChangeStream.WORKER_EVENT, schema = EventStreamMessages.WorkerEvent.class),
      @DiscriminatorMapping(value = ChangeStream.EXPIRING_EVENT, schema = EventStreamMessages.ExpiringEvent.class),
      @DiscriminatorMapping(value = ChangeStream.DESTROYED_EVENT, schema = EventStreamMessages.DestroyedEvent.class)
    })
final class EventStreamMessages {

  private EventStreamMessages() {}

  /** {@code event: change}: one change in the workspace; its {@code id} is the change's seq. */
  @Schema(name = "ChangeEvent", description = "`event: change`: one change in the workspace. `id` is the change's"
      + " seq: send it as `Last-Event-ID` to resume after it.")
  record ChangeEvent(
      @Schema(allowableValues = ChangeStream.CHANGE_EVENT) String event,
      @Schema(description = "The change's seq", example = "42") String id,
      WorkspaceResponse.Change data) {}

  /** {@code event: worker}: a worker's status changed (committed); no {@code id}. */
  @Schema(name = "WorkerEvent", description = "`event: worker`: a worker of the environment changed status (started"
      + " `RUNNING`, `STOPPING`, `EXITED`, `LOST`), sent once the change is committed. No `id`: it never moves"
      + " `Last-Event-ID` and is not replayed on a resume (read `GET …/workers` after reconnecting).")
  record WorkerEvent(
      @Schema(allowableValues = ChangeStream.WORKER_EVENT) String event,
      WorkerEventData data) {}

  /** Payload of the {@code worker} event. */
  @Schema(name = "WorkerEventData", description = "Payload of the `worker` event: the worker as its row now stands.")
  record WorkerEventData(
      UUID workerId,
      io.envkeeper.worker.WorkerStatus status,
      @Schema(description = "Process id (and process group id) of the worker")
          int pid,
      @Schema(description = "Exit code once it exited by itself; null otherwise") @Nullable Integer exitCode,
      @Schema(description = "Number of the signal that ended it; null otherwise") @Nullable Integer signal,
      @Schema(description = "Restarts under the same worker id") int restarts) {}

  /** {@code event: expiring}: expiry will destroy the environment at {@code destroyAt} unless it changes. */
  @Schema(name = "ExpiringEvent", description = "`event: expiring`: expiry will destroy the environment at"
      + " `destroyAt` unless something changes (activity for an idle expiry, a PATCH of `ttl` or `idleTimeout`). Sent"
      + " `envkeeper.environments.expiry-warning` ahead, once per deadline, and to streams opened while it stands. No"
      + " `id`: it never moves `Last-Event-ID`.")
  record ExpiringEvent(
      @Schema(allowableValues = ChangeStream.EXPIRING_EVENT) String event,
      Expiring data) {}

  /** Payload of the {@code expiring} event. */
  @Schema(name = "ExpiringEventData", description = "Payload of the `expiring` event.")
  record Expiring(
      @Schema(description = "When expiry will destroy the environment")
          Instant destroyAt,
      @Schema(description = "Which deadline it is", allowableValues = {"ttl", "idle"})
          String reason) {}

  /** {@code event: destroyed}: the environment started destroying; the stream ends after it. */
  @Schema(name = "DestroyedEvent", description = "`event: destroyed`: the environment started destroying. The"
      + " last message: the stream ends after it.")
  record DestroyedEvent(
      @Schema(allowableValues = ChangeStream.DESTROYED_EVENT) String event,
      Destroyed data) {}

  /** Payload of the {@code destroyed} event. */
  @Schema(name = "DestroyedEventData", description = "Payload of the `destroyed` event.")
  record Destroyed(UUID environmentId) {}
}
