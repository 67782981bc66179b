package io.envkeeper.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A token issued through the admin API. Only its hash is stored; the token itself is shown once,
 * when it is issued. A revoked token keeps its row (with {@code revokedAt}) for the record.
 */
@Entity
@Table(name = "client_token")
public class ClientToken {

  @Id private UUID id;

  @Column(length = 100)
  private String name;

  @Column(nullable = false, length = 63)
  private String tenant;

  @Column(nullable = false, length = 16)
  private String role;

  @Column(nullable = false, unique = true, length = 71)
  private String tokenHash;

  @Column(nullable = false)
  private Instant createdAt;

  private Instant revokedAt;

  protected ClientToken() {
    // for JPA
  }

  ClientToken(UUID id, String name, String tenant, ClientRole role, String tokenHash, Instant createdAt) {
    this.id = id;
    this.name = name;
    this.tenant = tenant;
    this.role = role.value();
    this.tokenHash = tokenHash;
    this.createdAt = createdAt;
  }

  /** Revokes the token; a second revoke keeps the first time. */
  void revoke(Instant now) {
    if (revokedAt == null) {
      revokedAt = now;
    }
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getTenant() {
    return tenant;
  }

  public ClientRole getRole() {
    return ClientRole.of(role);
  }

  String getTokenHash() {
    return tokenHash;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getRevokedAt() {
    return revokedAt;
  }

  public boolean isActive() {
    return revokedAt == null;
  }
}
