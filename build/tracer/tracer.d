build/tracer/tracer.o: tracer/tracer.c tracer/tracee.h common/recording.h \
 tracer/tracer.h common/names.h common/util.h
tracer/tracee.h:
common/recording.h:
tracer/tracer.h:
common/names.h:
common/util.h:
