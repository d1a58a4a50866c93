// Linux signal and si_code names (x86-64/AArch64/RISC-V/ARM numbering; <asm-generic/signal.h>, <asm-generic/siginfo.h>).

const SIGNALS = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2',
  'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG',
  'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];

/** `SIGSEGV` for 11; `SIG34` (real-time) or `signal 99` otherwise. */
export function signalName(n: number): string {
  if (n > 0 && n < SIGNALS.length) return SIGNALS[n]!;
  if (n >= 32 && n <= 64) return `SIG${n}`;
  return `signal ${n}`;
}

const CODES: Record<number, Record<number, string>> = {
  4: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN', 3: 'ILL_ILLADR', 4: 'ILL_ILLTRP', 5: 'ILL_PRVOPC', 6: 'ILL_PRVREG', 7: 'ILL_COPROC', 8: 'ILL_BADSTK' },
  5: { 1: 'TRAP_BRKPT', 2: 'TRAP_TRACE', 3: 'TRAP_BRANCH', 4: 'TRAP_HWBKPT' },
  7: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR', 3: 'BUS_OBJERR', 4: 'BUS_MCEERR_AR', 5: 'BUS_MCEERR_AO' },
  8: { 1: 'FPE_INTDIV', 2: 'FPE_INTOVF', 3: 'FPE_FLTDIV', 4: 'FPE_FLTOVF', 5: 'FPE_FLTUND', 6: 'FPE_FLTRES', 7: 'FPE_FLTINV', 8: 'FPE_FLTSUB' },
  11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR', 3: 'SEGV_BNDERR', 4: 'SEGV_PKUERR', 5: 'SEGV_ACCADI', 6: 'SEGV_ADIDERR', 7: 'SEGV_ADIPERR', 8: 'SEGV_MTEAERR', 9: 'SEGV_MTESERR' },
};
const GENERIC: Record<number, string> = { 0: 'SI_USER', 0x80: 'SI_KERNEL', [-1]: 'SI_QUEUE', [-2]: 'SI_TIMER', [-3]: 'SI_MESGQ', [-4]: 'SI_ASYNCIO', [-5]: 'SI_SIGIO', [-6]: 'SI_TKILL' };

/** The name of si_code `code` for signal `signo` (`SEGV_MAPERR`, `SI_TKILL`), or its number. */
export function signalCodeName(signo: number, code: number): string {
  if (code > 0 && code < 0x80) return CODES[signo]?.[code] ?? String(code);
  return GENERIC[code] ?? String(code);
}
