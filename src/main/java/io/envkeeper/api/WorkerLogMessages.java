package io.envkeeper.api;

import io.envkeeper.worker.WorkerStatus;
import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;

/**
 * The messages of {@code GET …/workers/{wid}/log?follow=true} as the API description shows them,
 * one schema per SSE event name (as {@link EventStreamMessages} does for {@code /events}); the
 * {@code data} records are also what the stream sends.
 */
@Schema(
    name = "WorkerLogEvent",
    description = "One message of a followed worker log, by its SSE event name.",
    oneOf = {WorkerLogMessages.LineEvent.class, WorkerLogMessages.TruncatedEvent.class,
      WorkerLogMessages.ExitEvent.class},
    discriminatorProperty = "event",
    discriminatorMapping = {
      @DiscriminatorMapping(value = LogStream.LINE_EVENT, schema = WorkerLogMessages.LineEvent.class),
      @DiscriminatorMapping(value = LogStream.TRUNCATED_EVENT, schema = WorkerLogMessages.TruncatedEvent.class),
      @DiscriminatorMapping(value = LogStream.EXIT_EVENT, schema = WorkerLogMessages.ExitEvent.class)
    })
final class WorkerLogMessages {

  private WorkerLogMessages() {}

  /** {@code event: line}: one output line; {@code id} is the byte offset after it. */
  @Schema(name = "LogLineEvent", description = "`event: line`: one line of the worker's combined stdout and stderr."
      + " `id` is the byte offset after it (bytes since the worker started, its newline included): send it as"
      + " `Last-Event-ID` to resume after it. A line longer than 64 KiB comes in pieces, each its own event.")
  record LineEvent(
      @Schema(allowableValues = LogStream.LINE_EVENT) String event,
      @Schema(description = "Byte offset after the line", example = "42") String id,
      Line data) {}

  /** Payload of the {@code line} event. */
  @Schema(name = "LogLineEventData", description = "Payload of the `line` event.")
  record Line(
      @Schema(description = "The line without its newline (UTF-8; bytes that"
          + " are not UTF-8 are replaced by U+FFFD)") String text) {}

  /** {@code event: truncated}: the bytes asked for were rotated away. */
  @Schema(name = "LogTruncatedEvent", description = "`event: truncated`: the log was rotated past the offset the"
      + " stream was at (`Last-Event-ID` too old, or a client that fell behind): the bytes in between are gone. The"
      + " stream goes on at the oldest whole line still kept; `id` is that offset.")
  record TruncatedEvent(
      @Schema(allowableValues = LogStream.TRUNCATED_EVENT) String event,
      @Schema(description = "Where the stream goes on", example = "1048576")
          String id,
      Truncated data) {}

  /** Payload of the {@code truncated} event. */
  @Schema(name = "LogTruncatedEventData", description = "Payload of the `truncated` event.")
  record Truncated(
      @Schema(description = "The offset the stream was at") long requestedOffset,
      @Schema(description = "The offset it goes on from") long resumedAt,
      @Schema(description = "Bytes lost: `resumedAt - requestedOffset`")
          long droppedBytes) {}

  /** {@code event: exit}: the worker ended and all its output was sent; the stream ends after it. */
  @Schema(name = "LogExitEvent", description = "`event: exit`: the worker has ended and all its output was sent."
      + " The last message: the stream ends after it. No `id`.")
  record ExitEvent(
      @Schema(allowableValues = LogStream.EXIT_EVENT) String event,
      Exit data) {}

  /** Payload of the {@code exit} event. */
  @Schema(name = "LogExitEventData", description = "Payload of the `exit` event: how the worker ended.")
  record Exit(
      @Schema(description = "`EXITED` or `LOST`") WorkerStatus status,
      @Schema(description = "Exit code when it exited by itself; null otherwise") @Nullable Integer exitCode,
      @Schema(description = "Number of the signal that ended it; null otherwise") @Nullable Integer signal) {}
}
