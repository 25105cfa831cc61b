"""How many scrypt hashes per second this machine computes with Tessera's parameters
(log2 N = 16, r = 8, p = 2, 32-byte key, 16-byte salt), one process per core, through
OpenSSL (Python's hashlib). Tessera's scrypt is BoringSSL's (swift-crypto), which comes
from the same C code. Prints one number: hashes per second over all processes.

    python3 bench/scrypt_rate.py SECONDS [LOG_N]
"""

import hashlib
import os
import sys
import time
from multiprocessing import Pool


def hash_for(args: tuple[float, int]) -> int:
    seconds, log_n = args
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        hashlib.scrypt(b"correct horse battery staple", salt=os.urandom(16), n=1 << log_n,
                       r=8, p=2, dklen=32, maxmem=256 * 1024 * 1024)
        n += 1
    return n


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    log_n = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    workers = os.cpu_count() or 1
    start = time.monotonic()
    with Pool(workers) as pool:
        total = sum(pool.map(hash_for, [(seconds, log_n)] * workers))
    print(f"{total / (time.monotonic() - start):.2f}")


if __name__ == "__main__":
    main()
