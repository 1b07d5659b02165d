build-asan/cli/cmd_merge.o: cli/cmd_merge.c cli/cli.h common/util.h \
 generator/gen.h common/recording.h
cli/cli.h:
common/util.h:
generator/gen.h:
common/recording.h:
