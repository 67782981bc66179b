package io.envkeeper.api;

import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
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
    oneOf = {EnvironmentEvents.ChangeEvent.class, EnvironmentEvents.DestroyedEvent.class},
    discriminatorProperty = "event",
    discriminatorMapping = {
      @DiscriminatorMapping(value = ChangeStream.CHANGE_EVENT, schema = EnvironmentEvents.ChangeEvent.class),
      @DiscriminatorMapping(value = ChangeStream.DESTROYED_EVENT, schema = EnvironmentEvents.DestroyedEvent.class)
    })
final class EnvironmentEvents {

  private EnvironmentEvents() {}

  /** {@code event: change}: one change in the workspace; its {@code id} is the change's seq. */
  @Schema(name = "ChangeEvent", description = "`event: change`: one change in the workspace. `id` is the change's"
      + " seq: send it as `Last-Event-ID` to resume after it.")
  record ChangeEvent(
      @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = ChangeStream.CHANGE_EVENT) String event,
      @Schema(requiredMode = RequiredMode.REQUIRED, description = "The change's seq", example = "42") String id,
      @Schema(requiredMode = RequiredMode.REQUIRED) WorkspaceResponse.Change data) {}

  /** {@code event: destroyed}: the environment started destroying; the stream ends after it. */
  @Schema(name = "DestroyedEvent", description = "`event: destroyed`: the environment started destroying. The"
      + " last message: the stream ends after it.")
  record DestroyedEvent(
      @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = ChangeStream.DESTROYED_EVENT) String event,
      @Schema(requiredMode = RequiredMode.REQUIRED) Destroyed data) {}

  /** Payload of the {@code destroyed} event. */
  @Schema(name = "DestroyedEventData", description = "Payload of the `destroyed` event.")
  record Destroyed(@Schema(requiredMode = RequiredMode.REQUIRED) UUID environmentId) {}
}
