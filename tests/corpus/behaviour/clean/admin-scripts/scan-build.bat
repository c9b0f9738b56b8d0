perl -S scan-build %*
