// SPDX-License-Identifier: MIT
/*
 * Many syscalls from many tasks: `storm threads|procs N ITER` starts N
 * threads or processes that each make ITER getppid() calls.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long iter;

static void *work(void *arg)
{
	(void)arg;
	for (long i = 0; i < iter; i++)
		getppid();
	return NULL;
}

int main(int argc, char **argv)
{
	int n;

	if (argc != 4)
		return 2;
	n = atoi(argv[2]);
	iter = atol(argv[3]);
	if (!strcmp(argv[1], "threads")) {
		pthread_t *t = calloc((size_t)n, sizeof(*t));

		for (int i = 0; i < n; i++)
			if (pthread_create(&t[i], NULL, work, NULL))
				return 1;
		for (int i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		free(t);
	} else {
		for (int i = 0; i < n; i++)
			if (fork() == 0) {
				work(NULL);
				_exit(0);
			}
		while (wait(NULL) > 0)
			;
	}
	printf("%d %s x %ld syscalls\n", n, argv[1], iter);
	return 0;
}
