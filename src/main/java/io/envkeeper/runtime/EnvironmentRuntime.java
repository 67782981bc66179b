package io.envkeeper.runtime;

import io.envkeeper.runtime.process.WorkerSet;
import io.envkeeper.runtime.watch.WorkspaceWatcher;
import java.nio.file.Path;
import java.util.UUID;

/** The live things of one READY environment: its watcher and its workers. */
public record EnvironmentRuntime(UUID environmentId, Path workspace, WorkspaceWatcher watcher, WorkerSet workers) {}
