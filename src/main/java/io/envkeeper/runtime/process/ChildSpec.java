package io.envkeeper.runtime.process;

import java.util.List;

/**
 * One child process as {@code posix_spawnp} starts it (see {@link LinuxProcessCalls#spawn}).
 *
 * @param argv the program (looked up on the service's PATH unless absolute) and its arguments
 * @param environment every {@code NAME=value} of the child; nothing else is inherited
 * @param stdin descriptor that becomes the child's 0
 * @param stdout descriptor that becomes the child's 1
 * @param stderr descriptor that becomes the child's 2
 * @param directory open directory descriptor the child starts in (its working directory)
 * @param ownProcessGroup whether the child leads a process group of its own
 */
record ChildSpec(
    List<String> argv, List<String> environment, int stdin, int stdout, int stderr, int directory,
    boolean ownProcessGroup) {

  ChildSpec {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    argv = List.copyOf(argv);
    environment = List.copyOf(environment);
  }
}
