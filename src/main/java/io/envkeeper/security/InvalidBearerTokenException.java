package io.envkeeper.security;

import org.springframework.security.core.AuthenticationException;

/**
 * A bearer token was presented but is malformed, unknown or revoked. One message for all three, so
 * a caller learns nothing about which.
 */
public class InvalidBearerTokenException extends AuthenticationException {

  public InvalidBearerTokenException() {
    super("the bearer token is not valid");
  }
}
