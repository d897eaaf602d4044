/* quickselect.c - Hoare's selection (see quickselect.h). */
#include "util/quickselect.h"

int64_t quickselect(int64_t *v, uint32_t n, uint32_t k)
{
	/* Signed indices: j may step below lo. */
	int64_t lo = 0, hi = (int64_t)n - 1;

	while (lo < hi) {
		int64_t pivot = v[lo + (hi - lo) / 2], tmp;
		int64_t i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				tmp = v[i], v[i] = v[j], v[j] = tmp;
				i++, j--;
			}
		}
		/* Now v[lo..j] <= pivot <= v[i..hi], and pivot in between. */
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}
