package io.envkeeper.security;

import java.util.Locale;

/** What a token may do. Written in lower case in configuration, the API and the database. */
public enum ClientRole {
  /** Manages the environments of its own tenant. */
  CLIENT,
  /** Sees and manages every tenant's environments, issues and revokes tokens, reads the actuator. */
  ADMIN;

  /** The spelling used in configuration, the API and the {@code client_token} table. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code client} or {@code admin}; anything else is an {@link IllegalArgumentException}. */
  public static ClientRole of(String value) {
    for (ClientRole role : values()) {
      if (role.value().equals(value)) {
        return role;
      }
    }
    throw new IllegalArgumentException("role must be 'client' or 'admin', got '" + value + "'");
  }
}
