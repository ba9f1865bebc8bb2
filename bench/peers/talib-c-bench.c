/*
 * TA-Lib C timed natively, for bench/indicators.ts: the same series as the momentic run (read
 * from a raw file of float64 high[n], low[n], close[n]), the same functions, the best of `reps`
 * runs each, timed with CLOCK_MONOTONIC around the TA_* call only (no JS <-> C copies).
 *
 * bench/indicators.ts compiles it with g++ -O2 (the flags of talib's own TA-Lib build) against
 * the static libraries that `npm run bench:peers` builds in node_modules/talib/src/lib/lib/.
 *
 *   talib-c-bench FILE N REPS   ->  one line per function: NAME SECONDS LAST_VALUE
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "ta_libc.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Runs one call `reps` times and prints the best time and the last output value. */
#define BENCH(NAME, CALL)                                  \
  do {                                                     \
    double best = 1e300;                                   \
    for (int r = 0; r < reps; r++) {                       \
      double t0 = now();                                   \
      TA_RetCode rc = CALL;                                \
      double dt = now() - t0;                              \
      if (rc != TA_SUCCESS) {                              \
        fprintf(stderr, "%s failed: %d\n", NAME, (int)rc); \
        return 1;                                          \
      }                                                    \
      if (dt < best) best = dt;                            \
    }                                                      \
    printf("%s %.9f %.17g\n", NAME, best, o1[nb - 1]);     \
  } while (0)

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: talib-c-bench FILE N REPS\n");
    return 2;
  }
  const int n = atoi(argv[2]);
  const int reps = atoi(argv[3]);
  double *in = (double *)malloc(sizeof(double) * 3 * (size_t)n);
  double *o1 = (double *)malloc(sizeof(double) * (size_t)n);
  double *o2 = (double *)malloc(sizeof(double) * (size_t)n);
  double *o3 = (double *)malloc(sizeof(double) * (size_t)n);
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL || fread(in, sizeof(double), 3 * (size_t)n, f) != 3 * (size_t)n) {
    fprintf(stderr, "cannot read %d rows from %s\n", n, argv[1]);
    return 1;
  }
  fclose(f);
  const double *high = in, *low = in + n, *close = in + 2 * n;
  int beg = 0, nb = 0;
  TA_Initialize();
  BENCH("SMA", TA_SMA(0, n - 1, close, 20, &beg, &nb, o1));
  BENCH("EMA", TA_EMA(0, n - 1, close, 20, &beg, &nb, o1));
  BENCH("RSI", TA_RSI(0, n - 1, close, 14, &beg, &nb, o1));
  BENCH("ATR", TA_ATR(0, n - 1, high, low, close, 14, &beg, &nb, o1));
  BENCH("MACD", TA_MACD(0, n - 1, close, 12, 26, 9, &beg, &nb, o1, o2, o3));
  BENCH("BBANDS", TA_BBANDS(0, n - 1, close, 20, 2.0, 2.0, TA_MAType_SMA, &beg, &nb, o1, o2, o3));
  TA_Shutdown();
  return 0;
}
