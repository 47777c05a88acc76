// Data linked into autobw's binaries (see tinyshakespeare.S and Assets/README.md).
#ifndef AUTOBW_C_ASSETS_H
#define AUTOBW_C_ASSETS_H
#include <stdint.h>

/// tinyshakespeare, gzip-compressed: `autobw_tinyshakespeare_gz_size` bytes.
extern const unsigned char autobw_tinyshakespeare_gz[];
extern const uint64_t autobw_tinyshakespeare_gz_size;

/// The first byte of the compressed corpus (an array of unknown size imports into Swift awkwardly).
static inline const unsigned char *autobw_tinyshakespeare_gz_ptr(void) { return autobw_tinyshakespeare_gz; }

#endif
