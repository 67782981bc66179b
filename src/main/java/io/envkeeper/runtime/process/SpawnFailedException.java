package io.envkeeper.runtime.process;

/** {@code posix_spawnp} failed (program not found, not executable, out of resources, ...). */
public class SpawnFailedException extends RuntimeException {

  public SpawnFailedException(String message) {
    super(message);
  }
}
