package io.envkeeper.security;

import java.util.UUID;

/** No issued token has this id. */
public class ClientTokenNotFoundException extends RuntimeException {

  public ClientTokenNotFoundException(UUID id) {
    super("token " + id + " not found");
  }
}
