package jnr.posix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;

/**
 * Two glibc file actions jnr-posix does not offer, plugged into its {@code posix_spawnp}: the
 * working directory of the child ({@code posix_spawn_file_actions_addchdir_np}, glibc 2.29) and
 * closing every inherited descriptor from a number up ({@code posix_spawn_file_actions_addclosefrom_np},
 * glibc 2.34). The latter is atomic in the child, so no descriptor the service opens concurrently
 * (JDBC socket, inotify, another worker's pipe) can leak into a worker.
 *
 * <p>This class lives in jnr-posix's package because {@link SpawnFileAction#act} is
 * package-private; it is an extension of that library, not part of Envkeeper's own packages.
 */
public final class ExtraSpawnFileActions {

  /** The glibc functions, bound lazily so a missing symbol fails the spawn, not the class load. */
  public interface GlibcSpawnExtensions {
    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);
  }

  private static final class Holder {
    static final GlibcSpawnExtensions GLIBC =
        LibraryLoader.create(GlibcSpawnExtensions.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
  }

  private ExtraSpawnFileActions() {}

  /** The child starts in {@code directory}. */
  public static SpawnFileAction chdir(String directory) {
    return new SpawnFileAction() {
      @Override
      boolean act(POSIX posix, Pointer fileActions) {
        check(Holder.GLIBC.posix_spawn_file_actions_addchdir_np(fileActions, directory), "addchdir_np");
        return true;
      }

      @Override
      public String toString() {
        return "chdir(" + directory + ")";
      }
    };
  }

  /** Every descriptor from {@code from} up is closed in the child. */
  public static SpawnFileAction closeFrom(int from) {
    return new SpawnFileAction() {
      @Override
      boolean act(POSIX posix, Pointer fileActions) {
        check(Holder.GLIBC.posix_spawn_file_actions_addclosefrom_np(fileActions, from), "addclosefrom_np");
        return true;
      }

      @Override
      public String toString() {
        return "closefrom(" + from + ")";
      }
    };
  }

  /** jnr-posix ignores an action's result: a failed one must not let the spawn go on without it. */
  private static void check(int result, String what) {
    if (result != 0) {
      throw new IllegalStateException("posix_spawn_file_actions_" + what + " failed with error " + result);
    }
  }
}
