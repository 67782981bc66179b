package io.envkeeper.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds processes by the variables every worker is started with ({@code ENVKEEPER_WORKER_ID},
 * {@code ENVKEEPER_ENVIRONMENT_ID}), read from {@code /proc/<pid>/environ}. This is how a worker
 * spawned just before a crash, whose row was never committed, is still found and stopped.
 */
final class TaggedProcesses {

  /** A live process carrying the worker variables, as they were at its start. */
  record Tagged(ProcessRef process, int pgid, Instant startedAt, Map<String, String> variables) {}

  private TaggedProcesses() {}

  /**
   * The variable naming the worker a process was started for, set in every worker's environment
   * and inherited by everything it starts unless that clears its environment.
   */
  static final String WORKER_ID = "ENVKEEPER_WORKER_ID";

  /** Every live process whose environment has {@code variable} set to {@code value}. */
  static List<ProcessRef> carrying(String variable, String value) {
    List<ProcessRef> found = new ArrayList<>();
    for (ProcStat process : ProcStat.all()) {
      if (!process.isZombie() && value.equals(environmentOf(process.pid()).get(variable))) {
        found.add(new ProcessRef(process.pid(), process.startTicks()));
      }
    }
    return found;
  }

  /** Every live process whose environment has {@code variable}. */
  static List<Tagged> carrying(String variable) {
    List<Tagged> found = new ArrayList<>();
    for (ProcStat process : ProcStat.all()) {
      if (process.isZombie()) {
        continue;
      }
      Map<String, String> variables = environmentOf(process.pid());
      if (variables.containsKey(variable)) {
        Optional<Instant> startedAt = ProcessHandle.of(process.pid()).flatMap(h -> h.info().startInstant());
        startedAt.ifPresent(start -> found.add(new Tagged(
            new ProcessRef(process.pid(), process.startTicks()), process.pgrp(), start, variables)));
      }
    }
    return found;
  }

  private static Map<String, String> environmentOf(int pid) {
    Map<String, String> variables = new HashMap<>();
    try {
      String environ = new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "environ")), StandardCharsets.UTF_8);
      for (String entry : environ.split("\0")) {
        int equals = entry.indexOf('=');
        if (equals > 0 && entry.startsWith("ENVKEEPER_")) {
          variables.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours to read
    }
    return variables;
  }
}
