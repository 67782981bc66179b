package io.envkeeper.ops;

import java.time.Duration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The one deadline of a shutdown: {@code envkeeper.shutdown.timeout} from the moment the context
 * starts closing (readiness turns REFUSING_TRAFFIC then), whatever phase is running when it passes.
 */
@Component
class ShutdownDeadline {

  private final Duration timeout;
  private volatile long closingSinceNanos;

  ShutdownDeadline(ShutdownProperties properties) {
    this.timeout = properties.timeout();
  }

  @EventListener
  void onClosing(ContextClosedEvent event) {
    if (closingSinceNanos == 0) {
      closingSinceNanos = System.nanoTime();
    }
  }

  /** Time left before the deadline; the whole timeout if no shutdown has begun. */
  Duration remaining() {
    long since = closingSinceNanos;
    if (since == 0) {
      return timeout;
    }
    Duration left = timeout.minusNanos(System.nanoTime() - since);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
