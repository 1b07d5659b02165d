// SPDX-License-Identifier: MIT
/*
 * Threads that keep making a call every capability retry goes through
 * (a write-open of a read-only sysctl fails even for root), while the main
 * thread ends the process after argv[2] ms: tracees vanish in the middle of
 * retries. argv[1] is the number of threads.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void *spin(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = open("/proc/sys/kernel/osrelease", O_WRONLY);

		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8;
	long ms = argc > 2 ? atol(argv[2]) : 50;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };
	pthread_t t;

	for (int i = 0; i < n; i++)
		pthread_create(&t, NULL, spin, NULL);
	nanosleep(&ts, NULL);
	_exit(7);
}
