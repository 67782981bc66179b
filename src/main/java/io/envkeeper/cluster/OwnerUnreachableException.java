package io.envkeeper.cluster;

/** A forward could not even connect to the owner: nothing of the call reached it. */
class OwnerUnreachableException extends NodeUnavailableException {

  OwnerUnreachableException(String message, long retryAfterSeconds) {
    super(message, retryAfterSeconds);
  }
}
