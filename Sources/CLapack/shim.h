#ifndef JACOBIANKIT_CLAPACK_SHIM_H
#define JACOBIANKIT_CLAPACK_SHIM_H
// Swift cannot import C `_Complex`. Without a custom complex type every LAPACKE routine that
// takes complex arguments silently disappears from the imported module, so define plain
// `{ real, imag }` structs before including lapacke.h.
typedef struct { float real, imag; } jk_complex_float;
typedef struct { double real, imag; } jk_complex_double;
#define LAPACK_COMPLEX_CUSTOM
#define lapack_complex_float jk_complex_float
#define lapack_complex_double jk_complex_double
#include <lapacke.h>
#include <cblas.h>
#endif
