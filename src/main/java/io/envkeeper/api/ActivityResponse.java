package io.envkeeper.api;

import io.envkeeper.expiry.ExpiryOutlook;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET …/activity} (and the answer to {@code POST …/keepalive}).
 *
 * @param lastActivityAt the newest activity (now, while something keeps the environment alive)
 * @param idleSince where the idle clock counts from; {@code null} while something keeps it alive
 * @param destroyAt when expiry destroys it if nothing changes; {@code null} for never
 * @param keptAliveBy what keeps it alive right now: {@code request}, {@code stream},
 *     {@code worker:<id>}; empty when nothing does
 */
public record ActivityResponse(
    @Schema(description = "The newest activity (now, while something keeps the environment alive)")
        @Nullable Instant lastActivityAt,
    @Schema(description = "Where the idle clock counts from; `null` while something keeps the environment alive")
        @Nullable Instant idleSince,
    @Schema(description = "When expiry destroys the environment if nothing changes; `null` for never")
        @Nullable Instant destroyAt,
    @Schema(description = "What keeps the environment alive right now: `request`, `stream`, `worker:<id>`; empty"
        + " when nothing does", example = "[\"stream\", \"worker:7d0c1f52-8e4b-4c3f-a3a1-1f1f0b9e2c11\"]")
        List<String> keptAliveBy) {

  static ActivityResponse of(ExpiryOutlook outlook) {
    return new ActivityResponse(outlook.lastActivityAt(), outlook.idleSince(), outlook.destroyAt(), outlook.keptAliveBy());
  }
}
