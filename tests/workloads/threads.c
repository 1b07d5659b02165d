// SPDX-License-Identifier: MIT
/* Threads that each make a few distinct syscalls; argv[1] = thread count (default 4). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static void *work(void *arg)
{
	struct utsname u;

	(void)arg;
	struct timespec ts = { 0, 20000000L };

	for (int i = 0; i < 100; i++) {
		syscall(SYS_gettid);
		uname(&u);
	}
	/* Still running when main joins: the join always waits on a futex. */
	nanosleep(&ts, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	pthread_t *t = calloc((size_t)n, sizeof(*t));

	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, work, NULL))
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%d threads done\n", n);
	free(t);
	return 0;
}
