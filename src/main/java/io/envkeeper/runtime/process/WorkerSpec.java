package io.envkeeper.runtime.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything needed to start one worker: no shell is involved, {@code command} is the argv.
 *
 * @param environment the complete environment of the worker (nothing else is inherited)
 * @param ackLine the line the worker prints on stdout to acknowledge the shutdown message, or null
 */
public record WorkerSpec(
    UUID workerId,
    UUID environmentId,
    String profile,
    Path workingDirectory,
    List<String> command,
    Map<String, String> environment,
    Path logFile,
    long logMaxBytes,
    String ackLine) {

  public WorkerSpec {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }
}
