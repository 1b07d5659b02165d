build-asan/cli/cmd_emit.o: cli/cmd_emit.c cli/cli.h common/util.h \
 generator/gen.h common/recording.h
cli/cli.h:
common/util.h:
generator/gen.h:
common/recording.h:
