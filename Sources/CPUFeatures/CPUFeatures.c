#include "CPUFeatures.h"

int lesson_cpu_has_avx2_and_fma(void) {
#if defined(__x86_64__) || defined(_M_X64)
  // Compiled without -mavx2: this function itself must run on the CPU it is asking about.
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 1;
#endif
}
