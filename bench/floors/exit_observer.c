/*
 * Observes several processes die from outside: opens a pidfd on each, prints "ready", then waits
 * for each pidfd to report its exit and polls until /proc/<pid> is gone (its parent, or the
 * subreaper it was re-parented to, reaped it). Prints one zombie lifetime (exit seen -> /proc/<pid>
 * gone) in nanoseconds per process, in the order given. The observer is the same for the service's
 * killed descendants and for the floor's.
 *
 * Usage: exit_observer <pid>...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#define MAX_PIDS 256

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  int n = argc - 1;
  if (n < 1 || n > MAX_PIDS) {
    fprintf(stderr, "usage: %s pid... (at most %d)\n", argv[0], MAX_PIDS);
    return 2;
  }
  alarm(60); /* never outlive a stuck round */
  int pids[MAX_PIDS];
  struct pollfd fds[MAX_PIDS];
  long long exited[MAX_PIDS], gone[MAX_PIDS];
  char proc[MAX_PIDS][32];
  for (int i = 0; i < n; i++) {
    pids[i] = atoi(argv[i + 1]);
    snprintf(proc[i], sizeof proc[i], "/proc/%d", pids[i]);
    fds[i].fd = (int) syscall(SYS_pidfd_open, pids[i], 0);
    if (fds[i].fd < 0) { perror("pidfd_open"); return 1; }
    fds[i].events = POLLIN;
    exited[i] = gone[i] = 0;
  }
  printf("ready\n");
  fflush(stdout);
  const struct timespec pause = {0, 20000}; /* 20 us between looks: resolution well under 1 ms */
  for (int left = n; left > 0;) {
    int waiting = 0;
    for (int i = 0; i < n; i++) waiting += exited[i] == 0;
    /* Block while nothing died yet; once one did, look again every 20 us for its reap. */
    int timeout = waiting == left ? 10000 : 0;
    int ready = poll(fds, n, timeout);
    if (ready < 0 && errno != EINTR) { perror("poll"); return 1; }
    long long now = now_ns();
    for (int i = 0; i < n; i++) {
      if (exited[i] == 0 && (fds[i].revents & POLLIN)) {
        exited[i] = now;
        fds[i].fd = -fds[i].fd - 1; /* poll ignores negative descriptors from now on */
      }
    }
    struct stat st;
    for (int i = 0; i < n; i++) {
      if (exited[i] != 0 && gone[i] == 0 && stat(proc[i], &st) != 0) {
        gone[i] = now_ns();
        left--;
      }
    }
    if (left > 0 && waiting != left) nanosleep(&pause, NULL);
  }
  for (int i = 0; i < n; i++) printf("%lld\n", gone[i] - exited[i]);
  return 0;
}
