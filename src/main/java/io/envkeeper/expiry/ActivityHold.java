package io.envkeeper.expiry;

/**
 * Something that keeps an environment alive while it lasts (an open stream, a request being
 * served). Closing it ends the hold and counts as activity; closing it again does nothing.
 */
public interface ActivityHold extends AutoCloseable {

  @Override
  void close();
}
