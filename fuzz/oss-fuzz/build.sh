#!/bin/bash -eu
# OSS-Fuzz build script (projects/sipalg/build.sh in google/oss-fuzz). The
# work is done by the script kept in the sipalg repository, so that the list
# of targets, options, dictionaries and seed corpora lives with the code.
# It uses the variables OSS-Fuzz sets: $CXX $CXXFLAGS $LIB_FUZZING_ENGINE $OUT.
"$SRC/sipalg/fuzz/build.sh"
