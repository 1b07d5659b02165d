build/cli/cmd_record.o: cli/cmd_record.c cli/cli.h common/util.h \
 common/recording.h tracer/tracer.h
cli/cli.h:
common/util.h:
common/recording.h:
tracer/tracer.h:
