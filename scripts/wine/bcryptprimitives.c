/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8 lacks: Go programs (Go 1.22 on) take
   their random bytes from its ProcessPrng and will not start without it. It answers with
   BCryptGenRandom, which Wine has. Windows itself has the real DLL; this is for tests under Wine. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T n) {
	return BCryptGenRandom(NULL, data, (ULONG)n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
