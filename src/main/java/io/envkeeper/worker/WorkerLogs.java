package io.envkeeper.worker;

import io.envkeeper.config.EnvkeeperProperties;
import io.envkeeper.files.OwnerOnlyFiles;
import io.envkeeper.runtime.process.WorkerProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Where worker logs live: {@code <log-dir>/<environment id>/<worker id>.log}, computed from the ids
 * (never from client input), so the log endpoint can only ever read that worker's log. Directories
 * 0700, files 0600: a tenant's output is for the service's user only.
 */
@Component
class WorkerLogs {

  private final Path root;

  WorkerLogs(WorkerProperties properties, EnvkeeperProperties envkeeper) {
    Path configured = properties.logDir();
    this.root = (configured != null ? configured : envkeeper.dataDir().resolve("worker-logs")).toAbsolutePath().normalize();
    // Logs written by an earlier release may be open to other local users: tenants' output is not.
    OwnerOnlyFiles.restrictTree(root);
  }

  Path of(UUID environmentId, UUID workerId) {
    return directoryOf(environmentId).resolve(workerId + ".log");
  }

  /** Removes an environment's logs once it is torn down (they are unreachable after that: 410). */
  void deleteAll(UUID environmentId) throws IOException {
    FileSystemUtils.deleteRecursively(directoryOf(environmentId));
  }

  private Path directoryOf(UUID environmentId) {
    return root.resolve(environmentId.toString());
  }
}
