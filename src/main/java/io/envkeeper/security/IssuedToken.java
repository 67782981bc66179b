package io.envkeeper.security;

/**
 * A token just issued: the stored record and the token itself, which exists nowhere else and is
 * shown to the caller this once.
 */
public record IssuedToken(ClientToken record, String token) {

  @Override
  public String toString() {
    return "IssuedToken[" + record.getId() + "]"; // never the token
  }
}
