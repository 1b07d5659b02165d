build-asan/generator/policy.o: generator/policy.c generator/gen.h \
 common/recording.h common/names.h common/util.h
generator/gen.h:
common/recording.h:
common/names.h:
common/util.h:
