#include "CPUFeatures.h"

// Compiled without -mavx2: these functions must run on the CPU they are asking about.
// __builtin_cpu_supports also checks that the OS enabled the register state (XGETBV), so a
// kernel that disabled AVX-512 reads as "no AVX-512".

int lesson_cpu_has_avx2_and_fma(void) {
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 1;
#endif
}

int lesson_cpu_has_avx512_skylake_subset(void) {
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
      && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
      && __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}
