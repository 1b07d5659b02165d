build-asan/common/recording.o: common/recording.c common/recording.h \
 common/names.h common/util.h
common/recording.h:
common/names.h:
common/util.h:
