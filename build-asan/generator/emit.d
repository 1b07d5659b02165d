build-asan/generator/emit.o: generator/emit.c generator/gen.h \
 common/recording.h common/util.h
generator/gen.h:
common/recording.h:
common/util.h:
