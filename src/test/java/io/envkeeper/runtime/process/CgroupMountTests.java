package io.envkeeper.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding the cgroup2 mount and this process's place in it from the two files the kernel writes:
 * lines as real hosts show them (a hybrid host like our build machines, a pure cgroup v2 host, a
 * container in its own cgroup namespace, a v1-only host).
 */
class CgroupMountTests {

  private static final String V1_MEMORY =
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory";

  @Test
  void hybridHostHasItsCgroup2TreeUnderUnified() {
    CgroupMount.Result found = CgroupMount.find(
        List.of(
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            V1_MEMORY,
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw"),
        List.of("4:memory:/process_api/9a91", "1:cpu:/", "0::/"));

    CgroupMount mount = found.mount().orElseThrow();
    assertThat(mount.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
    assertThat(mount.own()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
  }

  @Test
  void pureCgroup2HostPlacesTheServiceInItsOwnCgroupBelowTheMount() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("25 19 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate"),
        List.of("0::/system.slice/envkeeper.service"));

    CgroupMount mount = found.mount().orElseThrow();
    assertThat(mount.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup"));
    assertThat(mount.own()).isEqualTo(Path.of("/sys/fs/cgroup/system.slice/envkeeper.service"));
    assertThat(mount.root()).isFalse();
  }

  /** In a pod with its own cgroup namespace, "/" is the container's cgroup, mounted at /sys/fs/cgroup. */
  @Test
  void containerInItsOwnCgroupNamespaceSeesItsCgroupAsTheMountRoot() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("1290 1280 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate"),
        List.of("0::/"));

    CgroupMount mount = found.mount().orElseThrow();
    assertThat(mount.own()).isEqualTo(Path.of("/sys/fs/cgroup"));
  }

  /** A bind mount of part of the tree: the process's path is made relative to the mounted part. */
  @Test
  void bindMountOfASubtreeIsResolvedRelativeToWhatIsMounted() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("1290 1280 0:27 /kubepods/pod1/abc /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw"),
        List.of("0::/kubepods/pod1/abc/envkeeper"));

    CgroupMount mount = found.mount().orElseThrow();
    assertThat(mount.own()).isEqualTo(Path.of("/sys/fs/cgroup/envkeeper"));
    assertThat(mount.root()).isFalse();
  }

  @Test
  void processOutsideTheMountedSubtreeHasNoCgroupToUse() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("1290 1280 0:27 /kubepods/pod1/abc /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw"),
        List.of("0::/kubepods/pod2/def"));

    assertThat(found.mount()).isEmpty();
    assertThat(found.reason()).contains("outside the mounted part");
  }

  @Test
  void readOnlyMountIsNotUsed() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("1290 1280 0:27 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw"),
        List.of("0::/"));

    assertThat(found.mount()).isEmpty();
    assertThat(found.reason()).contains("read-only");
  }

  @Test
  void cgroupV1OnlyHostHasNone() {
    CgroupMount.Result found = CgroupMount.find(List.of(V1_MEMORY), List.of("4:memory:/x"));

    assertThat(found.mount()).isEmpty();
    assertThat(found.reason()).contains("no 0:: line");
  }

  @Test
  void escapedMountPointIsUnescaped() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("41 31 0:38 / /mnt/cgroup\\040two rw,relatime - cgroup2 cgroup2 rw"),
        List.of("0::/"));

    assertThat(found.mount().orElseThrow().mountPoint()).isEqualTo(Path.of("/mnt/cgroup two"));
  }

  @Test
  void deletedCgroupIsNotUsed() {
    CgroupMount.Result found = CgroupMount.find(
        List.of("25 19 0:22 / /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw"),
        List.of("0::/gone.scope (deleted)"));

    assertThat(found.mount()).isEmpty();
  }
}
