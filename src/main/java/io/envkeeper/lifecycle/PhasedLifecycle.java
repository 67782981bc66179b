package io.envkeeper.lifecycle;

import org.springframework.context.SmartLifecycle;

/**
 * A component the context starts and stops in a fixed phase (higher phases start later and stop
 * earlier). Its {@link #running} flag is what {@link #isRunning()} reports: subclasses set it in
 * {@code start()}, clear it in {@code stop()}, and read it to refuse work or leave their loops.
 */
public abstract class PhasedLifecycle implements SmartLifecycle {

  private final int phase;
  /** Set by {@code start()}, cleared by {@code stop()}; volatile: loops and requests read it. */
  protected volatile boolean running;

  protected PhasedLifecycle(int phase) {
    this.phase = phase;
  }

  /** Only marks it running: for a component whose work is all in its stop. */
  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public final int getPhase() {
    return phase;
  }
}
