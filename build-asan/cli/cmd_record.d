build-asan/cli/cmd_record.o: cli/cmd_record.c cli/cli.h common/util.h
cli/cli.h:
common/util.h:
