build-asan/generator/profile_in.o: generator/profile_in.c generator/gen.h \
 common/recording.h common/names.h common/util.h
generator/gen.h:
common/recording.h:
common/names.h:
common/util.h:
