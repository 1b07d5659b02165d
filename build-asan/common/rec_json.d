build-asan/common/rec_json.o: common/rec_json.c common/names.h \
 common/recording.h common/util.h
common/names.h:
common/recording.h:
common/util.h:
