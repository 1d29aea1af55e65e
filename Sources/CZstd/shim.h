/* libzstd from Debian (libzstd-dev): compression of segment data with a trained dictionary. */
#include <zstd.h>
#include <zdict.h>
