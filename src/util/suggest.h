/* suggest.h - "did you mean ...?" for a mistyped command or option. */
#ifndef KAPROBE_SUGGEST_H
#define KAPROBE_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours each count one), when it is at most
 * 2 away and no other candidate is as close; NULL otherwise.  Words longer
 * than 63 characters match nothing. */
const char *suggest(const char *word, const char *const *cands, size_t n);

#endif
