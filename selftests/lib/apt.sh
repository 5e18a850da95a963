# shellcheck shell=sh
# Shared by selftests/install-deps and selftests/kernel-prepare (POSIX sh).

# The versioned kernel (e.g. 6.1.0-50-amd64) that kernel meta package $1
# (linux-image-amd64, linux-image-rt-amd64) depends on in apt suite $2:
# each suite's meta package names a different one.
kernel_abi_of() {
	apt-cache -t "$2" depends "$1" 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9][^ ]*-amd64\)$/\1/p' | head -n1
}
