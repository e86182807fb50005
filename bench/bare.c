/*
 * bare: a C program that only sleeps, the baseline for the memory figure
 * ("what does an empty lws context cost over a process doing nothing").
 *
 *   bare [--lifetime S]     prints "READY", sleeps S seconds (default 60)
 */
#include "bench_util.h"

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 60);

	hard_lifetime(lifetime);
	printf("READY\n");
	fflush(stdout);
	sleep((unsigned)lifetime);
	return 0;
}
