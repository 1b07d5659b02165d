build-asan/generator/seccomp_out.o: generator/seccomp_out.c \
 generator/gen.h common/recording.h common/names.h common/util.h
generator/gen.h:
common/recording.h:
common/names.h:
common/util.h:
