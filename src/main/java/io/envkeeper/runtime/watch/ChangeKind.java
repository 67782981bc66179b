package io.envkeeper.runtime.watch;

/** What happened to a path in a workspace. */
public enum ChangeKind {
  /** A file or directory appeared (created or moved in). */
  CREATE,
  /** A file's content or attributes changed. */
  MODIFY,
  /** A file or directory went away (deleted or moved out). */
  DELETE,
  /** Changes were lost (kernel queue overflow, or dropped from the bounded log): resynchronise. */
  OVERFLOW
}
