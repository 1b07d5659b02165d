build/tracer/captable.o: tracer/captable.c tracer/captable.h \
 common/util.h
tracer/captable.h:
common/util.h:
