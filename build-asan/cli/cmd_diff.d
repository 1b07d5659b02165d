build-asan/cli/cmd_diff.o: cli/cmd_diff.c cli/cli.h common/util.h \
 generator/gen.h common/recording.h
cli/cli.h:
common/util.h:
generator/gen.h:
common/recording.h:
