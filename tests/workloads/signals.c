// SPDX-License-Identifier: MIT
/*
 * Signals as untraced: a handler runs, SIGSTOP stops the process until a
 * child sends SIGCONT, a blocked signal stays pending.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

int main(void)
{
	struct sigaction sa;
	sigset_t set, pending;
	pid_t parent = getpid(), child;
	int st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);

	child = fork();
	if (child == 0) {
		struct timespec ts = { 0, 100000000L };

		nanosleep(&ts, NULL);
		kill(parent, SIGCONT);
		_exit(0);
	}
	raise(SIGSTOP);
	waitpid(child, &st, 0);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), SIGUSR2);
	sigpending(&pending);
	printf("usr1=%d continued=1 usr2_pending=%d\n", (int)got_usr1, sigismember(&pending, SIGUSR2));
	return got_usr1 == 1 && sigismember(&pending, SIGUSR2) ? 0 : 1;
}
