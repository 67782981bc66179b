/*
 * Floor for zombie lifetime: a parent blocking in waitpid. Spawns argv (posix_spawnp, own process
 * group, cwd = dir) exactly as the service spawns a worker, prints the child's pid, and blocks in
 * waitpid until the child is reaped.
 *
 * Usage: waitpid_floor <dir> <argv...>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s dir argv...\n", argv[0]);
    return 2;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, argv[1]);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[2], &actions, &attr, argv + 2, environ);
  if (rc != 0) { errno = rc; perror("posix_spawnp"); return 1; }
  printf("%d\n", pid);
  fflush(stdout);
  int status;
  while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) { perror("waitpid"); return 1; }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
