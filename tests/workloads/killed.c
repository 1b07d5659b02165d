// SPDX-License-Identifier: MIT
/* Ends by a signal: argv[1] is its number (default SIGKILL). */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int sig = argc > 1 ? atoi(argv[1]) : SIGKILL;

	signal(sig, SIG_DFL);
	kill(getpid(), sig);
	pause();
	return 0;
}
