package io.envkeeper.environment;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The first result of a create made with an {@code Idempotency-Key}, kept durably. Keys are scoped
 * per tenant: the same key sent by two tenants names two unrelated creates.
 */
@Entity
@Table(name = "idempotency_key")
@IdClass(IdempotencyRecord.Key.class)
class IdempotencyRecord {

  @Id
  @Column(length = 63)
  private String tenant;

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

  IdempotencyRecord(Key key, String requestHash, UUID environmentId, Instant createdAt) {
    this.tenant = key.tenant;
    this.key = key.key;
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

  /** Primary key: the tenant and the key it sent. */
  static class Key implements Serializable {

    private String tenant;
    private String key;

    protected Key() {
      // for JPA
    }

    Key(String tenant, String key) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      this.key = Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key that && tenant.equals(that.tenant) && key.equals(that.key);
    }

    @Override
    public int hashCode() {
      return Objects.hash(tenant, key);
    }
  }
}
