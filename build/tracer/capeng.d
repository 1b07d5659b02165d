build/tracer/capeng.o: tracer/capeng.c tracer/captable.h tracer/tracee.h \
 common/recording.h tracer/tracer.h common/names.h common/util.h
tracer/captable.h:
tracer/tracee.h:
common/recording.h:
tracer/tracer.h:
common/names.h:
common/util.h:
