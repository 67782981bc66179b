package io.envkeeper.runtime.process;

import io.envkeeper.lifecycle.PhasedLifecycle;
import org.springframework.stereotype.Component;

/**
 * This context's hold on the JVM's {@link ScopedReaper}: taken when the context starts, before
 * anything can spawn, and let go when it stops, after its workers were stopped (the lowest phase
 * starts first and stops last). The reaper runs while any context of the JVM holds it.
 */
@Component
class ReaperLifecycle extends PhasedLifecycle {

  /** Early to start, late to stop: below every other phase of the service. */
  static final int PHASE = Integer.MIN_VALUE + 1024;

  private final ScopedReaper reaper;
  private final ReaperProperties properties;

  ReaperLifecycle(ScopedReaper reaper, ReaperProperties properties) {
    super(PHASE);
    this.reaper = reaper;
    this.properties = properties;
  }

  @Override
  public synchronized void start() {
    if (!running) {
      reaper.retain(properties);
      running = true;
    }
  }

  @Override
  public synchronized void stop() {
    if (running) {
      running = false;
      reaper.release();
    }
  }
}
