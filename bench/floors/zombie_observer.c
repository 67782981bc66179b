/*
 * Observes one process from outside: opens a pidfd on it, releases it (writes a line to the FIFO
 * it waits on), waits for the pidfd to report its exit, then polls until /proc/<pid> is gone (its
 * parent reaped it). Prints the zombie lifetime (exit seen -> /proc/<pid> gone) in nanoseconds.
 * The observer is the same for the service's workers and for the floor's children.
 *
 * Usage: zombie_observer <pid> <fifo>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s pid fifo\n", argv[0]);
    return 2;
  }
  alarm(20); /* never outlive a stuck round */
  int pid = atoi(argv[1]);
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/%d", pid);
  int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) { perror("pidfd_open"); return 1; }
  int fifo = open(argv[2], O_WRONLY); /* blocks until the process opened it for reading */
  if (fifo < 0 || write(fifo, "\n", 1) != 1) { perror("fifo"); return 1; }
  close(fifo);
  struct pollfd p = {.fd = pidfd, .events = POLLIN};
  while (poll(&p, 1, 10000) < 0) if (errno != EINTR) { perror("poll"); return 1; }
  long long exited = now_ns();
  struct stat st;
  const struct timespec pause = {0, 20000}; /* 20 us between looks: resolution well under 1 ms */
  while (stat(proc, &st) == 0) nanosleep(&pause, NULL);
  long long gone = now_ns();
  printf("%lld\n", gone - exited);
  return 0;
}
