build-asan/cli/cli.o: cli/cli.c cli/cli.h common/util.h
cli/cli.h:
common/util.h:
