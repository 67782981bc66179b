package io.envkeeper.runtime;

import io.envkeeper.runtime.watch.WorkspaceWatcher;
import java.nio.file.Path;
import java.util.UUID;

/** The live things of one READY environment: its watcher (workers join it later). */
public record EnvironmentRuntime(UUID environmentId, Path workspace, WorkspaceWatcher watcher) {}
