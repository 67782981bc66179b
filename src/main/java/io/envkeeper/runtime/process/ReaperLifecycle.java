package io.envkeeper.runtime.process;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This context's hold on the JVM's {@link ScopedReaper}: taken when the context starts, before
 * anything can spawn, and let go when it stops, after its workers were stopped (the lowest phase
 * starts first and stops last). The reaper runs while any context of the JVM holds it.
 */
@Component
class ReaperLifecycle implements SmartLifecycle {

  /** Early to start, late to stop: below every other phase of the service. */
  static final int PHASE = Integer.MIN_VALUE + 1024;

  private final ScopedReaper reaper;
  private final ReaperProperties properties;
  private boolean running;

  ReaperLifecycle(ScopedReaper reaper, ReaperProperties properties) {
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

  @Override
  public synchronized boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
