/*
 * The teaching labs (docs/labs/): `make lab N` copies the tree and puts a
 * call to lab_missing() where lab N's exercises were, between the markers
 * that enclose them in the real code:
 *
 *	LAB N BEGIN: function(): what the student writes here
 *	LAB N END
 *
 * (each in a C comment).  In the real build nothing calls lab_missing().
 */
#ifndef SKIFF_LAB_H
#define SKIFF_LAB_H

#ifdef SKIFF_HOST_TEST
#include <stdio.h>
#include <stdlib.h>

/* Host tests of a student tree: the unfinished function fails the test. */
__attribute__((noreturn)) static inline void lab_missing(const char *lab, const char *func,
							 const char *what)
{
	fprintf(stderr, "lab %s: %s is not written yet: %s\n", lab, func, what);
	abort();
}
#else
/*
 * Says "lab N: func is not written yet: what" on every console and stops
 * with skiff's boot-error status (125).  It formats no number, so that it
 * works while lab 1's printf is the missing piece.
 */
__attribute__((noreturn)) void lab_missing(const char *lab, const char *func, const char *what);
#endif

#endif
