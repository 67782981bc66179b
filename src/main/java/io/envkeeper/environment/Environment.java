package io.envkeeper.environment;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One environment: a workspace directory plus the live things attached to it. The row is never
 * deleted; once DESTROYED it is the tombstone that answers "gone" forever. There is no status
 * setter: {@link #beginDestroy} and {@link #markDestroyed} are the only moves.
 */
@Entity
@Table(name = "environment")
public class Environment {

  private static final Logger log = LoggerFactory.getLogger(Environment.class);
  private static final int MAX_ERROR_LENGTH = 2000;

  @Id private UUID id;

  @Column(nullable = false, length = 100)
  private String name;

  @Column(nullable = false, columnDefinition = "text")
  private String path;

  @Column(nullable = false)
  private boolean managed;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private EnvironmentStatus status;

  @Convert(converter = LabelsConverter.class)
  @ColumnTransformer(write = "?::jsonb")
  @Column(nullable = false, columnDefinition = "jsonb")
  private Map<String, String> labels;

  @Column(nullable = false, length = 253)
  private String node;

  @Column(nullable = false, length = 63, updatable = false)
  private String tenant;

  @Column(nullable = false)
  private Instant createdAt;

  @Column(nullable = false)
  private Instant updatedAt;

  private Instant destroyRequestedAt;

  private Instant destroyedAt;

  @Column(nullable = false)
  private int destroyAttempts;

  @Column(columnDefinition = "text")
  private String lastError;

  @Version private long version;

  protected Environment() {
    // for JPA
  }

  /** A new READY environment, owned by {@code tenant}. */
  public Environment(
      UUID id, String tenant, String name, String path, boolean managed, Map<String, String> labels,
      String node, Instant now) {
    this.id = id;
    this.tenant = tenant;
    this.name = name;
    this.path = path;
    this.managed = managed;
    this.labels = new TreeMap<>(labels);
    this.node = node;
    this.status = EnvironmentStatus.READY;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** READY -> DESTROYING: the destroy is accepted; teardown may start once this is committed. */
  public void beginDestroy(Instant now) {
    moveTo(EnvironmentStatus.DESTROYING, now);
    destroyRequestedAt = now;
  }

  /** DESTROYING -> DESTROYED: teardown completed; the row is now a tombstone. */
  public void markDestroyed(Instant now) {
    moveTo(EnvironmentStatus.DESTROYED, now);
    destroyedAt = now;
    destroyAttempts++;
    lastError = null;
  }

  /** A teardown attempt failed: the environment stays DESTROYING and is retried later. */
  public void recordTeardownFailure(String error, Instant now) {
    if (status != EnvironmentStatus.DESTROYING) {
      throw new IllegalStateException("environment " + id + ": teardown failure while " + status);
    }
    destroyAttempts++;
    lastError = error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH) : error;
    updatedAt = now;
  }

  private void moveTo(EnvironmentStatus next, Instant now) {
    if (!status.canMoveTo(next)) {
      throw new IllegalStatusTransitionException(id, status, next);
    }
    log.info("environment {}: {} -> {}", id, status, next);
    status = next;
    updatedAt = now;
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getPath() {
    return path;
  }

  public boolean isManaged() {
    return managed;
  }

  public EnvironmentStatus getStatus() {
    return status;
  }

  public Map<String, String> getLabels() {
    return Map.copyOf(labels);
  }

  public String getNode() {
    return node;
  }

  /** The tenant whose client created the environment; only it (and admins) may see it. */
  public String getTenant() {
    return tenant;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public Instant getDestroyRequestedAt() {
    return destroyRequestedAt;
  }

  public Instant getDestroyedAt() {
    return destroyedAt;
  }

  public int getDestroyAttempts() {
    return destroyAttempts;
  }

  public String getLastError() {
    return lastError;
  }

  public long getVersion() {
    return version;
  }
}
