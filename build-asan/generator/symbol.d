build-asan/generator/symbol.o: generator/symbol.c generator/gen.h \
 common/recording.h common/util.h
generator/gen.h:
common/recording.h:
common/util.h:
