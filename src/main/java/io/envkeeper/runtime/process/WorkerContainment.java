package io.envkeeper.runtime.process;

import io.envkeeper.config.NodeProperties;
import io.envkeeper.deadline.Await;
import io.envkeeper.deadline.Deadline;
import io.envkeeper.runtime.process.WorkerProperties.ContainmentMode;
import io.envkeeper.runtime.process.WorkerProperties.Profile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Decides, once at start-up, what holds a worker's processes together, and says so (health
 * {@code reaper}: {@code containment}). Where the service can write its cgroup v2 tree (kernel
 * 5.14+ for {@code cgroup.kill}), every worker gets a cgroup of its own under
 * {@code <the service's cgroup>/envkeeper.<node id>}, entered before its program runs, with the
 * limits its profile sets where the controller is available; elsewhere its process group and the
 * descendant tracking hold it. Limits that cannot be applied are reported, never pretended.
 */
@Component
class WorkerContainment implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(WorkerContainment.class);
  /** Linux's generic resource numbers (x86_64, aarch64). */
  private static final int RLIMIT_CORE = 4;
  private static final int RLIMIT_NPROC = 6;
  private static final int RLIMIT_NOFILE = 7;

  private final NativeProcesses natives;
  /** The parent of the workers' cgroups, or null under process-group containment. */
  private final Path parent;
  private final String reason;
  private final Set<String> controllers;
  private final List<String> notApplied = new ArrayList<>();
  private final boolean gateable;
  private final Duration killTimeout;
  /** Names of the worker cgroups this context made (a worker keeps its name across restarts). */
  private final Set<String> made = ConcurrentHashMap.newKeySet();

  WorkerContainment(WorkerProperties properties, NodeProperties node, ScopedReaper reaper) {
    this.natives = reaper.natives();
    this.gateable = Files.exists(Path.of("/proc/thread-self/children"));
    this.killTimeout = properties.unconfigured().killTimeout();
    Set<String> wanted = wantedControllers(properties);
    Detected detected = properties.containment().mode() == ContainmentMode.PROCESS_GROUP
        ? Detected.none("envkeeper.workers.containment.mode=process-group")
        : detect(properties.containment().cgroupNameFor(node.id()), wanted, properties.containment().serviceLeaf());
    if (detected.parent == null && properties.containment().mode() == ContainmentMode.CGROUP) {
      throw new IllegalStateException(
          "envkeeper.workers.containment.mode=cgroup, but workers cannot have cgroups here: " + detected.reason);
    }
    if (!gateable && properties.profiles().values().stream().anyMatch(p -> p.rlimits().any())) {
      throw new IllegalStateException("envkeeper.workers.profiles.*.rlimits need /proc/<pid>/task/<tid>/children"
          + " (a kernel with CONFIG_PROC_CHILDREN) to set limits before a worker's program runs");
    }
    this.parent = detected.parent;
    this.reason = detected.reason;
    this.controllers = Set.copyOf(detected.controllers);
    properties.profiles().forEach((name, profile) -> reportUnapplied(name, profile.supervision().limits()));
    if (parent != null) {
      log.info("workers are contained in cgroups under {} (controllers for limits: {})", parent, new TreeSet<>(controllers));
    } else {
      log.info("workers are contained by their process group and descendant tracking ({})", reason);
    }
  }

  /** Whether workers get cgroups. */
  boolean usesCgroups() {
    return parent != null;
  }

  /**
   * A fresh cgroup for {@code workerId} with {@code limits} applied as far as the controllers
   * allow, or null under process-group containment.
   */
  WorkerCgroup create(UUID workerId, Profile.Limits limits) {
    if (parent == null) {
      return null;
    }
    if (!Files.isDirectory(parent)) {
      makeParent(); // the first worker's, or removed under us (an operator's cleanup)
    }
    made.add(workerId.toString());
    WorkerCgroup cgroup = WorkerCgroup.create(parent.resolve(workerId.toString()));
    try {
      cgroup.apply(settings(limits, controllers));
    } catch (RuntimeException e) {
      cgroup.remove();
      throw e;
    }
    return cgroup;
  }

  /** What must be done to a worker's first process before its program runs. */
  Placement placement(WorkerCgroup cgroup, Profile.Rlimits rlimits) {
    Map<Integer, Long> limits = new LinkedHashMap<>();
    if (rlimits.nofile() != null) {
      limits.put(RLIMIT_NOFILE, rlimits.nofile());
    }
    if (rlimits.nproc() != null) {
      limits.put(RLIMIT_NPROC, rlimits.nproc());
    }
    if (rlimits.core() != null) {
      limits.put(RLIMIT_CORE, rlimits.core());
    }
    if (cgroup == null && limits.isEmpty()) {
      return Placement.NONE;
    }
    return new Placement() {
      @Override
      public boolean isNeeded() {
        return true;
      }

      @Override
      public void apply(int pid) {
        if (cgroup != null) {
          cgroup.place(pid);
        }
        limits.forEach((resource, value) -> {
          int errno = natives.prlimit(pid, resource, value);
          if (errno != 0) {
            throw new SpawnFailedException("cannot set " + rlimitName(resource) + "=" + value + " for pid " + pid
                + " (" + LinuxProcessCalls.errnoName(errno) + ")");
          }
        });
      }
    };
  }

  /** The {@code reaper} health details about containment. */
  Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("containment", parent != null ? "cgroup" : "process-group");
    if (parent != null) {
      details.put("cgroup", parent.toString());
      details.put("cgroupControllers", new TreeSet<>(controllers));
    } else {
      details.put("containmentReason", reason);
    }
    details.put("limitsNotApplied", List.copyOf(notApplied));
    return details;
  }

  /**
   * The cgroup a worker of this node has, or had, under cgroup containment (where crash recovery
   * looks for what an unrecorded worker left); null under process-group containment.
   */
  Path pathOf(UUID workerId) {
    return parent == null ? null : parent.resolve(workerId.toString());
  }

  /**
   * At the context's close (its workers were stopped before): the cgroups it made that are still
   * there (a worker whose last process ended while the service stopped) are emptied, within a
   * bound, and removed, then the workers' parent if nothing else is in it. Only its own: another
   * service of the same node id on this host (tests) keeps its cgroups.
   */
  @Override
  public void destroy() {
    if (parent == null) {
      return;
    }
    // In all, as long as a stop waits after its SIGKILL for a worker of no (known) profile.
    Deadline deadline = Deadline.in(killTimeout);
    for (String name : made) {
      WorkerCgroup cgroup = WorkerCgroup.at(parent.resolve(name));
      if (!Files.isDirectory(cgroup.directory())) {
        continue;
      }
      if (!cgroup.isEmpty()) {
        cgroup.kill(); // the shutdown left it running: nothing of a worker outlives the service
        Await.until(cgroup::isEmpty, deadline.remaining(), Duration.ofMillis(5));
      }
      if (!cgroup.remove()) {
        log.warn("cgroup {} not removed: processes {} are still in it", cgroup, cgroup.pids());
      }
    }
    try {
      Files.deleteIfExists(parent);
    } catch (IOException e) {
      log.debug("cgroup {} not removed: {}", parent, e.toString());
    }
  }

  /** The workers' parent with the controllers detection enabled in it (its children's limits). */
  private synchronized void makeParent() {
    try {
      Files.createDirectories(parent);
      for (String controller : controllers) {
        enable(parent, controller);
      }
      log.info("cgroup {} made for the workers' cgroups", parent);
    } catch (IOException e) {
      throw new SpawnFailedException("cannot create cgroup " + parent + ": " + e.getMessage());
    }
  }

  /**
   * The interface files a worker's cgroup gets for {@code limits}, for the controllers enabled in it
   * (a limit without its controller is left out here and reported at start-up instead).
   */
  static Map<String, String> settings(Profile.Limits limits, Set<String> controllers) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (limits.memoryMax() != null && controllers.contains("memory")) {
      settings.put("memory.max", Long.toString(limits.memoryMax().toBytes()));
      settings.put("memory.oom.group", "1"); // an OOM kill takes the whole worker, as systemd's OOMPolicy=kill
    }
    if (limits.pidsMax() != null && controllers.contains("pids")) {
      settings.put("pids.max", Long.toString(limits.pidsMax()));
    }
    if (limits.cpuWeight() != null && controllers.contains("cpu")) {
      settings.put("cpu.weight", Integer.toString(limits.cpuWeight()));
    }
    return settings;
  }

  private void reportUnapplied(String profile, Profile.Limits limits) {
    String where = parent == null ? "process-group containment (" + reason + ")" : "no such controller in " + parent;
    if (limits.memoryMax() != null && !controllers.contains("memory")) {
      unapplied(profile, "memory-max", where);
    }
    if (limits.pidsMax() != null && !controllers.contains("pids")) {
      unapplied(profile, "pids-max", where);
    }
    if (limits.cpuWeight() != null && !controllers.contains("cpu")) {
      unapplied(profile, "cpu-weight", where);
    }
  }

  private void unapplied(String profile, String limit, String where) {
    String name = "envkeeper.workers.profiles." + profile + ".limits." + limit;
    notApplied.add(name);
    log.warn("{} is NOT applied: {}", name, where);
  }

  private static Set<String> wantedControllers(WorkerProperties properties) {
    Set<String> wanted = new LinkedHashSet<>();
    for (Profile profile : properties.profiles().values()) {
      Profile.Limits limits = profile.supervision().limits();
      if (limits.memoryMax() != null) {
        wanted.add("memory");
      }
      if (limits.pidsMax() != null) {
        wanted.add("pids");
      }
      if (limits.cpuWeight() != null) {
        wanted.add("cpu");
      }
    }
    return wanted;
  }

  private static String rlimitName(int resource) {
    return switch (resource) {
      case RLIMIT_NOFILE -> "rlimits.nofile";
      case RLIMIT_NPROC -> "rlimits.nproc";
      case RLIMIT_CORE -> "rlimits.core";
      default -> "rlimit " + resource;
    };
  }

  // --- detection ------------------------------------------------------------------------------

  private record Detected(Path parent, String reason, Set<String> controllers) {
    static Detected none(String reason) {
      return new Detected(null, reason, Set.of());
    }
  }

  private Detected detect(String parentName, Set<String> wanted, boolean serviceLeaf) {
    if (!gateable) {
      return Detected.none("no /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN): a worker cannot be"
          + " placed in its cgroup before its program runs");
    }
    CgroupMount.Result found = CgroupMount.find();
    if (found.mount().isEmpty()) {
      return Detected.none(found.reason());
    }
    CgroupMount mount = found.mount().get();
    Path own = mount.own();
    if (!Files.isWritable(own.resolve("cgroup.procs"))) {
      return Detected.none("the service's cgroup " + own + " is not writable (no delegated cgroup)");
    }
    Path parent = own.resolve(parentName);
    try {
      Files.createDirectory(parent);
    } catch (FileAlreadyExistsException e) {
      // an earlier run of this node left it (empty, or with leftovers crash recovery handles)
    } catch (IOException e) {
      return Detected.none("cannot create cgroup " + parent + ": " + e.getMessage());
    }
    if (!Files.exists(parent.resolve("cgroup.kill"))) {
      removeQuietly(parent);
      return Detected.none("this kernel has no cgroup.kill (Linux 5.14+)");
    }
    Set<String> enabled = enableControllers(mount, parent, wanted, serviceLeaf);
    // Made again with the first worker: a service that never starts one leaves no directory (and
    // one that is killed leaves only what its workers' recovery removes).
    removeQuietly(parent);
    return new Detected(parent, null, enabled);
  }

  /**
   * Enables the wanted controllers that the service's cgroup offers, in its own and the parent's
   * {@code cgroup.subtree_control}. Only the wanted ones: enabling a controller changes what every
   * sibling cgroup of the service's children may use.
   */
  private Set<String> enableControllers(CgroupMount mount, Path parent, Set<String> wanted, boolean serviceLeaf) {
    Set<String> offered = words(mount.own().resolve("cgroup.controllers"));
    Set<String> enabled = new LinkedHashSet<>();
    for (String controller : wanted) {
      if (!offered.contains(controller)) {
        continue;
      }
      if (!enable(mount.own(), controller) && serviceLeaf && !mount.root() && moveServiceToLeaf(mount.own())) {
        enable(mount.own(), controller);
      }
      if (words(mount.own().resolve("cgroup.subtree_control")).contains(controller) && enable(parent, controller)) {
        enabled.add(controller);
      }
    }
    return enabled;
  }

  private static boolean enable(Path cgroup, String controller) {
    if (words(cgroup.resolve("cgroup.subtree_control")).contains(controller)) {
      return true;
    }
    try {
      Files.writeString(cgroup.resolve("cgroup.subtree_control"), "+" + controller, java.nio.file.StandardOpenOption.WRITE);
      return true;
    } catch (IOException e) {
      // EBUSY: the cgroup holds processes ("no internal processes"); EACCES: not delegated to us
      log.info("cannot enable the {} controller in {}: {}", controller, cgroup, e.getMessage());
      return false;
    }
  }

  /** Moves every process of the service's cgroup into {@code <own>/envkeeper-service} (opt-in). */
  private static boolean moveServiceToLeaf(Path own) {
    Path leaf = own.resolve("envkeeper-service");
    try {
      if (!Files.isDirectory(leaf)) {
        Files.createDirectory(leaf);
      }
      for (String pid : Files.readAllLines(own.resolve("cgroup.procs"))) {
        if (!pid.isBlank()) {
          try {
            Files.writeString(leaf.resolve("cgroup.procs"), pid.trim(), java.nio.file.StandardOpenOption.WRITE);
          } catch (IOException e) {
            log.debug("pid {} not moved to {}: {}", pid, leaf, e.getMessage()); // gone meanwhile, or a kernel thread
          }
        }
      }
      log.info("moved the service's processes into {} so that controllers can be enabled for workers", leaf);
      return true;
    } catch (IOException e) {
      log.warn("cannot move the service's processes into {}: {}", leaf, e.getMessage());
      return false;
    }
  }

  private static Set<String> words(Path file) {
    try {
      return new LinkedHashSet<>(List.of(Files.readString(file).trim().split("\\s+")));
    } catch (IOException e) {
      return Set.of();
    }
  }

  private static void removeQuietly(Path directory) {
    try {
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // not empty: an earlier run's leftovers, for crash recovery
    }
  }
}
