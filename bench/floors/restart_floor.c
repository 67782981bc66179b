/*
 * Floor for restart latency: the simplest supervisor. Spawns argv (posix_spawnp, own process group,
 * cwd = dir) as the service spawns a worker, blocks in waitpid, and while the child exits with a
 * non-zero status (on-failure) spawns it again after <backoff> microseconds (the service's
 * configured backoff, so that both wait the same).
 *
 * Usage: restart_floor <dir> <backoff-us> <argv...>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s dir backoff-us argv...\n", argv[0]);
    return 2;
  }
  long backoff = atol(argv[2]);
  const struct timespec pause = {backoff / 1000000, (backoff % 1000000) * 1000};
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, argv[1]);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  for (;;) {
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[3], &actions, &attr, argv + 3, environ);
    if (rc != 0) { errno = rc; perror("posix_spawnp"); return 1; }
    int status;
    while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) { perror("waitpid"); return 1; }
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 0) return 0;
    nanosleep(&pause, NULL);
  }
}
