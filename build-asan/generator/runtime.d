build-asan/generator/runtime.o: generator/runtime.c generator/gen.h \
 common/recording.h common/names.h common/util.h
generator/gen.h:
common/recording.h:
common/names.h:
common/util.h:
