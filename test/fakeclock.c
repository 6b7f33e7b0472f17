/*-------------------------------------------------------------------------
 *
 * fakeclock.c
 *	  An LD_PRELOAD library for the tests only (test/run-all.sh with
 *	  PS_FAKETIME): the wall clock of every process that loads it is moved
 *	  by PS_FAKETIME_OFFSET seconds, so that a whole suite, the servers
 *	  included, runs on another day.
 *
 *	  Debian's libfaketime is not used: while it waits in poll(), select()
 *	  or epoll_wait() for the caller, a clock read from a signal handler
 *	  returns the real time.  PostgreSQL reads the clock in its SIGALRM
 *	  handler (statement_timeout, lock_timeout) and, up to 15, starts its
 *	  background workers from one: timeouts then never fire and workers run
 *	  on the real day.  Here every read adds the same offset, and nothing
 *	  but the wall clock is touched (CLOCK_MONOTONIC, sleeps and timers are
 *	  real).
 *
 *	  cc -shared -fPIC -O2 -o fakeclock.so fakeclock.c -ldl
 *
 *-------------------------------------------------------------------------
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long offset_s;
static int	(*real_clock_gettime) (clockid_t, struct timespec *);
static int	(*real_gettimeofday) (struct timeval *, void *);

/* Read the offset and find the real functions, once, at load time. */
__attribute__((constructor))
static void
fakeclock_init(void)
{
	const char *s = getenv("PS_FAKETIME_OFFSET");

	offset_s = s ? strtol(s, NULL, 10) : 0;
	real_clock_gettime = (int (*) (clockid_t, struct timespec *))
		dlsym(RTLD_NEXT, "clock_gettime");
	real_gettimeofday = (int (*) (struct timeval *, void *))
		dlsym(RTLD_NEXT, "gettimeofday");
}

/* The wall clocks are moved; every other clock is left as it is. */
int
clock_gettime(clockid_t clk, struct timespec *ts)
{
	int			rc;

	if (real_clock_gettime == NULL)
		fakeclock_init();
	rc = real_clock_gettime(clk, ts);
	if (rc == 0 &&
		(clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE))
		ts->tv_sec += offset_s;
	return rc;
}

/* gettimeofday(): PostgreSQL's GetCurrentTimestamp() */
int
gettimeofday(struct timeval *tv, void *tz)
{
	int			rc;

	if (real_gettimeofday == NULL)
		fakeclock_init();
	rc = real_gettimeofday(tv, tz);
	if (rc == 0)
		tv->tv_sec += offset_s;
	return rc;
}

/* time() */
time_t
time(time_t *t)
{
	struct timespec ts;
	time_t		now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = ts.tv_sec;
	if (t != NULL)
		*t = now;
	return now;
}
