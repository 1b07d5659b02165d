build-asan/cli/main.o: cli/main.c cli/cli.h common/util.h
cli/cli.h:
common/util.h:
