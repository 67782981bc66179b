package io.envkeeper.environment;

import java.util.Locale;

/** Why an environment left READY: the {@code destroyReason} of API.md. */
public enum DestroyReason {
  /** A client asked ({@code DELETE /environments/{id}}). */
  CLIENT,
  /** Its {@code expiresAt} passed. */
  TTL,
  /** It had no activity for its {@code idleTimeout}. */
  IDLE,
  /** Its node was retired by an admin. */
  NODE_RETIRED;

  /** The name in JSON and in the database: {@code client}, {@code ttl}, {@code idle}, {@code node_retired}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static DestroyReason fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
