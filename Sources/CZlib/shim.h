// zlib, for reading gzip-compressed data files (MNIST ships its IDX files as .gz).
#include <zlib.h>
