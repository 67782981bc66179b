package io.envkeeper.api;

import java.io.IOException;

/** A request body went past {@code envkeeper.api.max-body-size}. */
class RequestBodyTooLargeException extends IOException {

  RequestBodyTooLargeException(long limit) {
    super("request body exceeds " + limit + " bytes");
  }
}
