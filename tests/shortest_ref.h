/* shortest_ref.h - the reference shortest-digit search (tests only);
 * same contracts as lr_shortest64/32/narrow in src/floatfmt.h. */
#ifndef SHORTEST_REF_H
#define SHORTEST_REF_H
int ref_shortest64(double v, char *dig, int *exp);
int ref_shortest32(float v, char *dig, int *exp);
int ref_shortest_narrow(float v, int bf16, char *dig, int *exp);
#endif
