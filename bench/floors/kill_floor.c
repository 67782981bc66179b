/*
 * Floor for the zombie lifetime of killed descendants: a child subreaper blocking in waitpid.
 * Spawns argv (posix_spawnp, own process group, cwd = dir, stdout to a pipe) as the service spawns
 * a worker, passes on the first <n> lines it prints (the descendants' pids: "child <pid>"), then
 * on a line on stdin SIGKILLs the worker and those descendants and blocks in waitpid(-1) until
 * every child, adopted orphans included, is reaped.
 *
 * Usage: kill_floor <dir> <n> <argv...>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s dir n argv...\n", argv[0]);
    return 2;
  }
  alarm(60);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) { perror("prctl"); return 1; }
  int n = atoi(argv[2]);
  int out[2];
  if (pipe(out) != 0) { perror("pipe"); return 1; }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addchdir_np(&actions, argv[1]);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t worker;
  int rc = posix_spawnp(&worker, argv[3], &actions, &attr, argv + 3, environ);
  if (rc != 0) { errno = rc; perror("posix_spawnp"); return 1; }
  close(out[1]);
  FILE *lines = fdopen(out[0], "r");
  int descendants[256];
  char line[256];
  for (int i = 0; i < n && i < 256; i++) {
    if (!fgets(line, sizeof line, lines) || sscanf(line, "child %d", &descendants[i]) != 1) {
      fprintf(stderr, "kill_floor: expected 'child <pid>'\n");
      return 1;
    }
    printf("%d\n", descendants[i]);
  }
  fflush(stdout);
  if (!fgets(line, sizeof line, stdin)) return 1; /* go */
  kill(worker, SIGKILL);
  for (int i = 0; i < n; i++) kill(descendants[i], SIGKILL);
  while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {
  }
  return errno == ECHILD ? 0 : 1;
}
