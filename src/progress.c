/*
 * progress.c - the progress bar: "name [#####     ]  45%  12.3 MiB/27.1 MiB
 * 35.2 MiB/s  ETA 0:02", rewritten in place with a carriage return.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void draw(struct lr_progress *p, uint64_t done, double t)
{
	double el = t - p->start, rate = el > 0 ? (double)done / el : 0;
	double mib = 1024.0 * 1024.0;
	char bar[21];
	int i, fill;

	if (p->total > 0) {
		double f = (double)done / (double)p->total;

		if (f > 1)
			f = 1;
		fill = (int)(f * 20);
		for (i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : ' ';
		bar[20] = '\0';
		fprintf(stderr, "\r%s [%s] %3d%%  %.1f/%.1f MiB  %.1f MiB/s", p->name, bar,
			(int)(f * 100), (double)done / mib, (double)p->total / mib, rate / mib);
		if (rate > 0) {
			double left = ((double)p->total - (double)done) / rate;

			fprintf(stderr, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
		}
	} else
		fprintf(stderr, "\r%s  %.1f MiB  %.1f MiB/s", p->name, (double)done / mib, rate / mib);
	fputs("\033[K", stderr); /* clear what a longer line left */
	fflush(stderr);
	p->drawn = 1;
}

void lr_progress_start(struct lr_progress *p, const char *name, int64_t total)
{
	p->name = name;
	p->total = total;
	p->start = p->last = now();
	p->drawn = 0;
}

void lr_progress_update(struct lr_progress *p, uint64_t done)
{
	double t = now();

	if (t - p->last < 0.2)
		return;
	p->last = t;
	draw(p, done, t);
}

void lr_progress_end(struct lr_progress *p, uint64_t done)
{
	draw(p, done, now());
	fputc('\n', stderr);
}
