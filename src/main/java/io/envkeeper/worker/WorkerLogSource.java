package io.envkeeper.worker;

import io.envkeeper.runtime.process.WorkerLog;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a log follow reads: the worker as its row stands, its log file, and the log itself while the
 * service still writes it (to be told of new bytes and of the end).
 */
public record WorkerLogSource(WorkerEvent state, Path file, Optional<WorkerLog> liveLog) {}
