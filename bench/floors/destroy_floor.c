/*
 * Floor for "destroy latency of an environment with one cooperative worker": the same steps the
 * service takes, done directly. Untimed set-up per round: mkdir the workspace and a log directory,
 * open the log, posix_spawnp the cooperative script (own process group, stdin/stdout pipes, cwd =
 * workspace, descriptors >= 3 closed), read its "ready" line. Timed: write the shutdown message,
 * read lines until the ack line (each appended to the log), close stdin, waitpid, unlink the log,
 * rmdir the log directory and the workspace.
 *
 * Usage: destroy_floor <base-dir> <shutdown-message> <ack-line> <argv...>
 * One round per line on stdin; prints the timed part in nanoseconds, one line per round.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

/* Reads one line (without the newline) from fd into buf; 0 at EOF. */
static int read_line(int fd, char *buf, size_t size) {
  size_t n = 0;
  for (;;) {
    char c;
    ssize_t r = read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return n > 0;
    if (c == '\n') break;
    if (n + 1 < size) buf[n++] = c;
  }
  buf[n] = 0;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s base-dir shutdown-message ack-line argv...\n", argv[0]);
    return 2;
  }
  const char *base = argv[1], *message = argv[2], *ack = argv[3];
  char **child_argv = argv + 4;
  char ws[4096], logdir[4096], logfile[4200], msg[1024], line[4096];
  snprintf(msg, sizeof msg, "%s\n", message);
  for (int round = 0; read_line(0, line, sizeof line); round++) {
    snprintf(ws, sizeof ws, "%s/ws-%d", base, round);
    snprintf(logdir, sizeof logdir, "%s/log-%d", base, round);
    snprintf(logfile, sizeof logfile, "%s/worker.log", logdir);
    if (mkdir(ws, 0700) != 0 || mkdir(logdir, 0700) != 0) die("mkdir");
    int log = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int in[2], out[2];
    if (log < 0 || pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) die("open/pipe");

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, ws);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, child_argv[0], &actions, &attr, child_argv, environ);
    if (rc != 0) { errno = rc; die("posix_spawnp"); }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    close(out[1]);
    if (!read_line(out[0], line, sizeof line)) die("worker gave no ready line");
    dprintf(log, "%s\n", line);

    long long t0 = now_ns();
    if (write(in[1], msg, strlen(msg)) != (ssize_t) strlen(msg)) die("write");
    int acked = 0;
    while (read_line(out[0], line, sizeof line)) {
      dprintf(log, "%s\n", line);
      if (strcmp(line, ack) == 0) { acked = 1; break; }
    }
    close(in[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) die("waitpid");
    close(out[0]);
    close(log);
    if (unlink(logfile) != 0 || rmdir(logdir) != 0 || rmdir(ws) != 0) die("cleanup");
    long long t1 = now_ns();
    if (!acked || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "round %d: acked=%d status=%#x\n", round, acked, status);
      return 1;
    }
    printf("%lld\n", t1 - t0);
    fflush(stdout);
  }
  return 0;
}
