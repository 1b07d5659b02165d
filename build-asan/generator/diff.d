build-asan/generator/diff.o: generator/diff.c generator/gen.h \
 common/recording.h common/names.h common/util.h
generator/gen.h:
common/recording.h:
common/names.h:
common/util.h:
