/* suggest.c - the closest of a few words to a mistyped one (see suggest.h).
 *
 * Optimal string alignment distance (Levenshtein plus swaps of neighbours,
 * as git's help.autocorrect counts them): "repaly" is one swap from
 * "replay". */
#include "util/suggest.h"

#include <string.h>

#define WORD_MAX 64
#define MAX_DIST 2

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[WORD_MAX][WORD_MAX];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

const char *suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = MAX_DIST + 1;
	int ties = 0;

	if (strlen(word) >= WORD_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strlen(cands[i]) >= WORD_MAX)
			continue;
		size_t d = distance(word, cands[i]);
		if (d < best_d) {
			best = cands[i];
			best_d = d;
			ties = 0;
		} else if (d == best_d) {
			ties++;
		}
	}
	return ties ? NULL : best;
}
