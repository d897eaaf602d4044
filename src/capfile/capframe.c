/* capframe.c - capture times (see capframe.h). */
#include "capfile/capframe.h"

ka_time cap_time(int64_t sec, int64_t usec)
{
	const int64_t max_s = INT64_MAX / 4 / 1000000;
	ka_time s = sec < 0 ? 0 : sec > max_s ? max_s : sec;
	ka_time u = usec < 0 || usec > 999999 ? 0 : usec;

	return s * 1000000 + u;
}
