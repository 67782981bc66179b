package io.envkeeper.cluster;

import java.io.Closeable;
import java.io.IOException;

/**
 * One event stream being forwarded: when it last moved, and how to let go of its upstream answer
 * (closing it ends the blocking read of the copy loop), whichever side asks first.
 */
final class ForwardedStream {

  private volatile Closeable upstream;
  private volatile long lastActivityNanos = System.nanoTime();
  private volatile boolean cancelled;
  private volatile boolean idledOut;
  private volatile boolean revoked;

  void attach(Closeable upstream) {
    this.upstream = upstream;
    if (cancelled) {
      closeUpstream();
    }
  }

  void touch() {
    lastActivityNanos = System.nanoTime();
  }

  boolean isIdleFor(long nanos) {
    return System.nanoTime() - lastActivityNanos > nanos;
  }

  /** Silent too long: the owner or the connection to it is dead. */
  void idleOut() {
    idledOut = true;
    cancel();
  }

  boolean idledOut() {
    return idledOut;
  }

  /** The caller's token was revoked: the copy ends here, whatever the owner does. */
  void revoke() {
    revoked = true;
    cancel();
  }

  boolean revoked() {
    return revoked;
  }

  /** The client went away, the node shuts down, the stream idled out or its token was revoked. */
  void cancel() {
    cancelled = true;
    closeUpstream();
  }

  private void closeUpstream() {
    Closeable current = upstream;
    if (current != null) {
      try {
        current.close();
      } catch (IOException | RuntimeException ignored) {
        // already closed
      }
    }
  }
}
