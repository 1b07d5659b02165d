build-asan/generator/summary.o: generator/summary.c generator/gen.h \
 common/recording.h common/names.h common/util.h
generator/gen.h:
common/recording.h:
common/names.h:
common/util.h:
