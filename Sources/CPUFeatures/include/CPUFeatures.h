#ifndef LESSON_CPU_FEATURES_H
#define LESSON_CPU_FEATURES_H

/// 1 when the CPU executes AVX2 and FMA instructions (or is not x86-64, where the numeric
/// library is built for the baseline ISA), else 0.
int lesson_cpu_has_avx2_and_fma(void);

/// 1 when the CPU (and the operating system, which must save the wider registers) executes
/// the AVX-512 subset Intel's Skylake-SP introduced: F, CD, BW, DQ and VL. 0 elsewhere,
/// including every CPU that is not x86-64.
int lesson_cpu_has_avx512_skylake_subset(void);

#endif
