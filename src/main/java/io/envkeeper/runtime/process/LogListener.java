package io.envkeeper.runtime.process;

/**
 * Someone following a worker's log (a live log stream). Called on the reaper's loop: implementations
 * must return at once and read the log elsewhere, so the output pump never waits for a client.
 */
public interface LogListener {

  /** New bytes were written to the log. */
  void appended();

  /** Nothing more will be written (the output reached EOF, or writing stopped). */
  void ended();
}
