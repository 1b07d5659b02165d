// SPDX-License-Identifier: MIT
/*
 * exec from a thread that is not the thread-group leader. The thread waits
 * until the main thread sleeps in pause(), so every run (traced by capprof
 * or by strace) makes the same syscalls.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pid_t main_tid;

static int main_sleeping(void)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)main_tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

static void *run(void *arg)
{
	struct timespec ts = { 0, 1000000L };

	(void)arg;
	while (!main_sleeping())
		nanosleep(&ts, NULL);
	execl("/bin/echo", "echo", "exec from thread", (char *)NULL);
	return NULL;
}

int main(void)
{
	pthread_t t;

	main_tid = getpid();
	pthread_create(&t, NULL, run, NULL);
	pause(); /* the exec ends this */
	return 1;
}
