// SPDX-License-Identifier: MIT
/* Prints its real and effective uid: a set-uid copy shows what it gained. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("uid=%u euid=%u\n", (unsigned)getuid(), (unsigned)geteuid());
	return 0;
}
