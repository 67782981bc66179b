package io.envkeeper.runtime.watch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** Counters shared by all watchers: kernel overflows, the rescans they caused, scans of polled workspaces. */
final class WatchStats {

  private final AtomicLong overflows = new AtomicLong();
  private final AtomicLong rescans = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();
  private final Counter overflowCounter;

  WatchStats(MeterRegistry meters) {
    this.overflowCounter =
        Counter.builder("envkeeper.watch.overflows")
            .description("Watch event overflows (changes lost; the tree was rescanned)")
            .register(meters);
  }

  void overflowed() {
    overflows.incrementAndGet();
    overflowCounter.increment();
  }

  void rescanned() {
    rescans.incrementAndGet();
  }

  /** A scan of a workspace that is POLLING. */
  void polled() {
    polls.incrementAndGet();
  }

  long polls() {
    return polls.get();
  }

  long overflows() {
    return overflows.get();
  }

  long rescans() {
    return rescans.get();
  }
}
