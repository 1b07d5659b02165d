build-asan/common/names.o: common/names.c common/names.h common/util.h
common/names.h:
common/util.h:
