package io.envkeeper.environment;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
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
@EntityListeners(ReadyCacheInvalidation.class)
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

  /** The TTL deadline, or {@code null} for none. */
  private Instant expiresAt;

  @Column(name = "idle_timeout_seconds")
  private Long idleTimeoutSeconds;

  /**
   * Written at insert, then only by the owner's batched activity flush (a native update that leaves
   * {@code version} alone): never by an entity save, which would put back a stale value.
   */
  @Column(updatable = false)
  private Instant lastActivityAt;

  @Convert(converter = DestroyReasonConverter.class)
  @Column(length = 16)
  private DestroyReason destroyReason;

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
    this.lastActivityAt = now;
  }

  /** READY -> DESTROYING: the destroy is accepted; teardown may start once this is committed. */
  public void beginDestroy(Instant now, DestroyReason reason) {
    if (reason == null) {
      throw new IllegalArgumentException("reason must be given");
    }
    moveTo(EnvironmentStatus.DESTROYING, now);
    destroyRequestedAt = now;
    destroyReason = reason;
  }

  /**
   * Sets the TTL deadline and the idle timeout (either {@code null} for none). Only while READY: a
   * destroy that has begun is never put off.
   */
  public void changeExpiry(Instant expiresAt, Duration idleTimeout, Instant now) {
    requireReady();
    this.expiresAt = expiresAt;
    this.idleTimeoutSeconds = idleTimeout == null ? null : idleTimeout.getSeconds();
    updatedAt = now;
  }

  /** Replaces the labels. Only while READY. */
  public void changeLabels(Map<String, String> labels, Instant now) {
    requireReady();
    this.labels = new TreeMap<>(labels);
    updatedAt = now;
  }

  private void requireReady() {
    if (status != EnvironmentStatus.READY) {
      throw new EnvironmentDestroyedException(id, status);
    }
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

  /** The TTL deadline, or {@code null} when the environment has no TTL. */
  public Instant getExpiresAt() {
    return expiresAt;
  }

  /** The idle timeout, or {@code null} when the environment never expires for being idle. */
  public Duration getIdleTimeout() {
    return idleTimeoutSeconds == null ? null : Duration.ofSeconds(idleTimeoutSeconds);
  }

  /** The last activity persisted by the owner (at most one flush interval behind the live value). */
  public Instant getLastActivityAt() {
    return lastActivityAt;
  }

  /** Why it left READY; {@code null} while READY. */
  public DestroyReason getDestroyReason() {
    return destroyReason;
  }

  public long getVersion() {
    return version;
  }
}
