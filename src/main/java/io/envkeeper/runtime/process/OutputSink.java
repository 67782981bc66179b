package io.envkeeper.runtime.process;

/** Receives a child's output on the reaper's loop: every call must return at once. */
interface OutputSink {

  /**
   * The next bytes from the pipe, in {@code bytes[0..length)}: the array is reused once this returns.
   *
   * @return false to stop reading (the pipe is then closed, as at EOF)
   */
  boolean received(byte[] bytes, int length);

  /** The pipe reached EOF (its last writer is gone) or reading stopped; called once, last. */
  void ended();
}
