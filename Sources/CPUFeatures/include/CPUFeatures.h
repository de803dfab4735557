#ifndef LESSON_CPU_FEATURES_H
#define LESSON_CPU_FEATURES_H

/// 1 when the CPU executes AVX2 and FMA instructions (or is not x86-64, where the numeric
/// library is built for the baseline ISA), else 0.
int lesson_cpu_has_avx2_and_fma(void);

#endif
