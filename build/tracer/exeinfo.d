build/tracer/exeinfo.o: tracer/exeinfo.c tracer/tracee.h \
 common/recording.h tracer/tracer.h common/util.h
tracer/tracee.h:
common/recording.h:
tracer/tracer.h:
common/util.h:
