package io.envkeeper.api;

import io.envkeeper.environment.UpdateEnvironmentCommand;
import io.envkeeper.environment.UpdateEnvironmentCommand.Change;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.annotation.Nullable;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Map;

/**
 * Body of {@code PATCH /environments/{id}}: a JSON merge patch of the fields a client may change.
 * A field left out stays as it is; {@code null} removes it (no TTL, no idle timeout, no labels).
 * A class rather than a record: only setters can tell a field sent as {@code null} from one not sent.
 */
@Schema(description = "A JSON merge patch of an environment: a field left out is kept, `null` removes it.")
public final class UpdateEnvironmentRequest {

  private String ttl;
  private boolean ttlGiven;
  private String idleTimeout;
  private boolean idleTimeoutGiven;

  @Size(max = 32, message = "must have at most 32 labels")
  private Map<@LabelKey String, @LabelValue String> labels;

  private boolean labelsGiven;

  /** A new time to live, counted from this request (ISO-8601, e.g. {@code PT2H}). */
  @Schema(description = "A new time to live counted from this request, an ISO-8601 duration of whole seconds"
      + " (`PT2H`); `null` removes the TTL (refused while `envkeeper.environments.max-ttl` is set)",
      format = "duration", example = "PT2H")
  public @Nullable String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
    this.ttlGiven = true;
  }

  /** A new idle timeout (ISO-8601, e.g. {@code PT30M}). */
  @Schema(description = "A new idle timeout, an ISO-8601 duration of whole seconds (`PT30M`); `null` removes it"
      + " (refused while `envkeeper.environments.max-idle-timeout` is set)", format = "duration", example = "PT30M")
  public @Nullable String getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(String idleTimeout) {
    this.idleTimeout = idleTimeout;
    this.idleTimeoutGiven = true;
  }

  /** Labels replacing the current ones, as on create. */
  @Schema(description = "Labels replacing all current ones, with the rules of create; `null` or `{}` removes them",
      example = "{\"team\": \"b\"}")
  public @Nullable Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
    this.labelsGiven = true;
  }

  UpdateEnvironmentCommand toCommand() {
    return new UpdateEnvironmentCommand(
        durationChange(ttlGiven, "ttl", ttl),
        durationChange(idleTimeoutGiven, "idleTimeout", idleTimeout),
        labelsGiven ? Change.to(labels) : Change.unchanged());
  }

  private static Change<Duration> durationChange(boolean given, String name, String raw) {
    return given ? Change.to(RequestParameters.duration(name, raw)) : Change.unchanged();
  }
}
