/*
 * Included by `make lab N` (tools/labs/mklab.sh) at the top of each file
 * whose exercises it replaced with lab_missing(): a function whose body is
 * gone leaves its parameters, locals and helpers unused, which -Werror
 * would otherwise refuse.  Never included by the real tree.
 */
#ifndef SKIFF_LAB_STUB_H
#define SKIFF_LAB_STUB_H

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-parameter"

#include "lab.h"

#endif
