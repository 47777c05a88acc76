// OpenBLAS's CBLAS interface; Debian installs it under the openblas-pthread include directory.
#include <cblas.h>
