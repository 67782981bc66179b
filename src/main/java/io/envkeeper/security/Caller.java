package io.envkeeper.security;

import java.util.Objects;

/**
 * The authenticated client of one request.
 *
 * @param tenant the tenant the client acts for; what it creates belongs to this tenant
 * @param role what the client may do
 * @param tokenId stable, non-secret identity of the token (rate limits and logs key on it)
 */
public record Caller(String tenant, ClientRole role, String tokenId) {

  public Caller {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(tokenId, "tokenId");
  }

  public boolean isAdmin() {
    return role == ClientRole.ADMIN;
  }

  /** Whether this caller may see and act on something that belongs to {@code ownerTenant}. */
  public boolean canAccess(String ownerTenant) {
    return isAdmin() || tenant.equals(ownerTenant);
  }
}
