// SPDX-License-Identifier: MIT
/* exec from a thread that is not the thread-group leader. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *run(void *arg)
{
	(void)arg;
	execl("/bin/echo", "echo", "exec from thread", (char *)NULL);
	return NULL;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, run, NULL);
	pause(); /* the exec ends this */
	return 1;
}
