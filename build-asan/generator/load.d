build-asan/generator/load.o: generator/load.c generator/gen.h \
 common/recording.h common/util.h
generator/gen.h:
common/recording.h:
common/util.h:
