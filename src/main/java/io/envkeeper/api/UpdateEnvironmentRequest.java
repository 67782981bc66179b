package io.envkeeper.api;

import io.envkeeper.environment.UpdateEnvironmentCommand;
import io.envkeeper.environment.UpdateEnvironmentCommand.Change;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Map;

/**
 * Body of {@code PATCH /environments/{id}}: a JSON merge patch of the fields a client may change.
 * A field left out stays as it is; {@code null} removes it (no TTL, no idle timeout, no labels).
 * A class rather than a record: only setters can tell a field sent as {@code null} from one not sent.
 */
public final class UpdateEnvironmentRequest {

  private String ttl;
  private boolean ttlGiven;
  private String idleTimeout;
  private boolean idleTimeoutGiven;

  @Size(max = 32, message = "must have at most 32 labels")
  private Map<@LabelKey String, @LabelValue String> labels;

  private boolean labelsGiven;

  /** A new time to live, counted from this request (ISO-8601, e.g. {@code PT2H}). */
  public String getTtl() {
    return ttl;
  }

  public void setTtl(String ttl) {
    this.ttl = ttl;
    this.ttlGiven = true;
  }

  /** A new idle timeout (ISO-8601, e.g. {@code PT30M}). */
  public String getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(String idleTimeout) {
    this.idleTimeout = idleTimeout;
    this.idleTimeoutGiven = true;
  }

  /** Labels replacing the current ones, as on create. */
  public Map<String, String> getLabels() {
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
