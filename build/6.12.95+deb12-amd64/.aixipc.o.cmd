savedcmd_/work/main/build/6.12.95+deb12-amd64/aixipc.o := x86_64-linux-gnu-ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/build/6.12.95+deb12-amd64/aixipc.o @/work/main/build/6.12.95+deb12-amd64/aixipc.mod  ; ./tools/objtool/objtool --hacks=jump_label --hacks=noinstr --hacks=skylake --ibt --orc --retpoline --rethunk --sls --static-call --uaccess --prefix=16  --link  --module /work/main/build/6.12.95+deb12-amd64/aixipc.o

/work/main/build/6.12.95+deb12-amd64/aixipc.o: $(wildcard ./tools/objtool/objtool)
