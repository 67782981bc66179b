package io.envkeeper.environment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** The first result of a create made with an {@code Idempotency-Key}, kept durably. */
@Entity
@Table(name = "idempotency_key")
class IdempotencyRecord {

  @Id
  @Column(name = "idempotency_key", length = 255)
  private String key;

  @Column(nullable = false, length = 64)
  private String requestHash;

  @Column(nullable = false)
  private UUID environmentId;

  @Column(nullable = false)
  private Instant createdAt;

  protected IdempotencyRecord() {
    // for JPA
  }

  IdempotencyRecord(String key, String requestHash, UUID environmentId, Instant createdAt) {
    this.key = key;
    this.requestHash = requestHash;
    this.environmentId = environmentId;
    this.createdAt = createdAt;
  }

  String getRequestHash() {
    return requestHash;
  }

  UUID getEnvironmentId() {
    return environmentId;
  }
}
