package io.envkeeper.runtime.watch;

import java.time.Instant;

/**
 * One change in a workspace.
 *
 * @param seq position in the environment's change sequence, strictly increasing from 1
 * @param path relative to the workspace root ({@code ""} for the root itself)
 */
public record WorkspaceChange(long seq, ChangeKind kind, String path, Instant at) {}
