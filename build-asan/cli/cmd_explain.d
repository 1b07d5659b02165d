build-asan/cli/cmd_explain.o: cli/cmd_explain.c cli/cli.h common/util.h \
 generator/gen.h common/recording.h
cli/cli.h:
common/util.h:
generator/gen.h:
common/recording.h:
