package io.envkeeper.support;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The place of one packaged-jar test: its directories under the build folder and the processes
 * it caused (workers the service started, the embedded postmaster), which {@link #close()} kills by
 * pid, so a failed test leaves nothing running either; and the cgroups of its service's workers,
 * under a parent of its own, which {@link #close()} removes.
 */
public final class JarSandbox implements AutoCloseable {

  private final Path home;
  private final Path dataDir;
  private final List<Integer> pids = new CopyOnWriteArrayList<>();
  /** This sandbox's own parent of worker cgroups, so closing it removes exactly its service's. */
  private final String cgroupName;

  private JarSandbox(Path home) {
    this.home = home;
    this.dataDir = home.resolve("data");
    this.cgroupName = "envkeeper.jar-" + home.getFileName();
  }

  public static JarSandbox create(String purpose) {
    return new JarSandbox(TestDirectories.create(purpose));
  }

  public Path home() {
    return home;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Data dir, workspace root and managed root, all inside the sandbox; and the workers' cgroups. */
  public List<String> arguments() {
    return List.of(
        "--envkeeper.data-dir=" + dataDir,
        "--envkeeper.workspace.roots[0]=" + home,
        "--envkeeper.workspace.managed-root=" + home.resolve("workspaces"),
        "--envkeeper.workers.containment.cgroup-name=" + cgroupName);
  }

  /** Where its service puts its workers' cgroups (on a host where it can), whether or not it exists now. */
  public Path workerCgroups() {
    return CgroupTree.of((int) ProcessHandle.current().pid()).orElseThrow().resolve(cgroupName);
  }

  /** A process the test caused (a worker the service started) to kill if it is still alive at the end. */
  public int track(int pid) {
    pids.add(pid);
    return pid;
  }

  public static boolean isRunning(int pid) {
    return OsProcesses.isRunning(pid);
  }

  /** Kills, by pid, the tracked processes still alive and the embedded postmaster of the data dir. */
  @Override
  public void close() {
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    ServiceProcess.postmasterPid(dataDir.resolve("postgres")).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    // A service that was killed (or halted) leaves its workers' cgroups: they were this test's.
    if (CgroupTree.writable()) {
      CgroupTree.removeTree(workerCgroups());
    }
  }
}
